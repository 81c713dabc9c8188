/**
 * <log-search>: the API's log lines through GET /debug/logs. The lab account finds the lines of
 * the requests it made; the admin token (this tab's sessionStorage) every line. The source is the
 * API's recent-logs store, or VictoriaLogs when the API reads one (the lines that left the store).
 * Each line opens on its fields and links to its trace, opened on the span that wrote it.
 * The form's state is kept in the address (?route=…), so a search can be linked.
 */

import { jaegerProblem } from './jaeger.ts';
import { apiBase, labAccount, type StoredLog } from './lab.ts';
import { labViews } from './views.ts';
import { renderLogLine } from './waterfall.ts';

const ADMIN_KEY = 'flowlab.adminToken';
const FIELDS = ['source', 'level', 'route', 'status', 'text', 'traceId', 'limit'] as const;

class LogSearch extends HTMLElement {
  async connectedCallback() {
    const status = this.querySelector<HTMLElement>('.status');
    const form = this.querySelector<HTMLFormElement>('form');
    const summary = this.querySelector<HTMLElement>('.summary');
    const list = this.querySelector<HTMLOListElement>('.log-results');
    if (!status || !form || !summary || !list) return;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
    const adminLabel = this.querySelector<HTMLElement>('.admin-token');

    const views = await labViews();
    if (!views) {
      status.textContent = `The API did not answer at ${apiBase}.`;
      return;
    }
    const victoria = form.querySelector<HTMLOptionElement>('option[value="victorialogs"]');
    if (victoria) victoria.disabled = !views.logs?.victoriaLogs;
    status.textContent = views.logs?.victoriaLogs
      ? "The API's recent logs hold its last few thousand lines; VictoriaLogs holds every line the collector sent it."
      : "The API's recent logs hold its last few thousand lines. With VictoriaLogs (npm run stack:up, and VICTORIALOGS_URL), older lines are searchable too.";

    const params = new URLSearchParams(location.search);
    const asAdmin = params.get('as') === 'admin';
    (form.querySelector(`input[name="as"][value="${asAdmin ? 'admin' : 'lab'}"]`) as HTMLInputElement).checked = true;
    field('adminToken').value = sessionStorage.getItem(ADMIN_KEY) ?? '';
    for (const name of FIELDS) {
      const value = params.get(name);
      if (value !== null) field(name).value = value;
    }
    const chosen = () => (form.querySelector('input[name="as"]:checked') as HTMLInputElement | null)?.value ?? 'lab';
    const showAdmin = () => {
      if (adminLabel) adminLabel.hidden = chosen() !== 'admin';
    };
    showAdmin();
    form.addEventListener('change', showAdmin);
    form.hidden = false;

    const search = async () => {
      const query = new URLSearchParams();
      for (const name of FIELDS) if (field(name).value) query.set(name, field(name).value.trim());
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
        const response = await fetch(`${apiBase}/debug/logs?${query}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw new Error(await jaegerProblem(response));
        const { items, scope, source } = (await response.json()) as {
          items: StoredLog[];
          scope: 'all' | 'own';
          source: 'recent' | 'victorialogs';
        };
        const from = source === 'victorialogs' ? 'VictoriaLogs' : "the API's recent logs";
        summary.textContent = `${items.length} line${items.length === 1 ? '' : 's'}${scope === 'own' ? ' of your lab account' : ''} from ${from}, newest first. Open a line for its fields and its trace.`;
        list.replaceChildren(
          ...items.map((line) => {
            const li = document.createElement('li');
            li.append(renderLogLine(line, { linkTrace: true }));
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
}

customElements.define('log-search', LogSearch);
