/**
 * What the Explore page's two searches share (<jaeger-search> and <log-search>): whose signals
 * (the lab account's, or everyone's with the admin token, kept in this tab's sessionStorage), the
 * form's state in the address (?service=…, ?route=…) so that a search can be linked, the request
 * with the chosen token, and the failure said on the page. Each search gives its fields, its
 * endpoint and how to draw what came back.
 */

import { jaegerProblem } from './jaeger.ts';
import { apiBase, labAccount } from './lab.ts';

const ADMIN_KEY = 'flowlab.adminToken';

export interface SearchParts {
  status: HTMLElement;
  form: HTMLFormElement;
  summary: HTMLElement;
  list: HTMLOListElement;
  field: (name: string) => HTMLInputElement | HTMLSelectElement;
}

export interface SearchOptions<Answer> {
  /** The form's fields, in the address's order. */
  fields: readonly string[];
  /** Fields set later (their options arrive from the API): not restored from the address here. */
  restoreLater?: readonly string[];
  /** The API path searched, e.g. /debug/logs. */
  path: string;
  /** The class of the list the results go into. */
  listClass: string;
  /** Before the first search: says what the API offers; false when the search cannot run. */
  prepare: (parts: SearchParts, params: URLSearchParams) => Promise<boolean>;
  /** The answer into the summary's sentence and the list's items; `token` is the one searched with. */
  render: (answer: Answer, searched: { admin: boolean; token: string }) => { summary: string; items: HTMLElement[] };
}

export async function connectSearch<Answer>(element: HTMLElement, options: SearchOptions<Answer>): Promise<void> {
  const status = element.querySelector<HTMLElement>('.status');
  const form = element.querySelector<HTMLFormElement>('form');
  const summary = element.querySelector<HTMLElement>('.summary');
  const list = element.querySelector<HTMLOListElement>(`.${options.listClass}`);
  if (!status || !form || !summary || !list) return;
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  const adminLabel = element.querySelector<HTMLElement>('.admin-token');

  const params = new URLSearchParams(location.search);
  const asAdmin = params.get('as') === 'admin';
  (form.querySelector(`input[name="as"][value="${asAdmin ? 'admin' : 'lab'}"]`) as HTMLInputElement).checked = true;
  field('adminToken').value = sessionStorage.getItem(ADMIN_KEY) ?? '';
  for (const name of options.fields) {
    const value = params.get(name);
    if (value !== null && !options.restoreLater?.includes(name)) field(name).value = value;
  }
  const chosen = () => (form.querySelector('input[name="as"]:checked') as HTMLInputElement | null)?.value ?? 'lab';
  const showAdmin = () => {
    if (adminLabel) adminLabel.hidden = chosen() !== 'admin';
  };
  showAdmin();
  form.addEventListener('change', showAdmin);
  if (!(await options.prepare({ status, form, summary, list, field }, params))) return;
  form.hidden = false;

  const search = async () => {
    const query = new URLSearchParams();
    for (const name of options.fields) if (field(name).value) query.set(name, field(name).value.trim());
    const admin = chosen() === 'admin';
    history.replaceState(null, '', `?${admin ? 'as=admin&' : ''}${query}`);
    list.replaceChildren();
    const adminToken = field('adminToken').value.trim();
    if (admin && !adminToken) {
      summary.textContent = 'Paste the admin token (npm start prints it in its banner), then search.';
      return;
    }
    summary.textContent = 'Searching…';
    try {
      let token: string;
      if (admin) {
        token = adminToken;
        sessionStorage.setItem(ADMIN_KEY, token);
      } else token = (await labAccount()).token;
      const response = await fetch(`${apiBase}${options.path}?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(await jaegerProblem(response));
      const drawn = options.render((await response.json()) as Answer, { admin, token });
      summary.textContent = drawn.summary;
      list.replaceChildren(
        ...drawn.items.map((item) => {
          const li = document.createElement('li');
          li.append(item);
          return li;
        }),
      );
    } catch (error) {
      summary.textContent = `The search failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search();
  });
  void search();
}

/** "3 traces of your lab account": how many, and whose. */
export const counted = (count: number, noun: string, scope: 'all' | 'own') =>
  `${count} ${noun}${count === 1 ? '' : 's'}${scope === 'own' ? ' of your lab account' : ''}`;
