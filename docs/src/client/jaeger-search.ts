/**
 * <jaeger-search>: Jaeger's search form, through the API. The lab account sees the traces it
 * authenticated in; the admin token (kept in this tab's sessionStorage) sees every service's.
 * The form's state is kept in the address (?service=…), so a search can be linked.
 */

import { jaegerProblem, showJaegerTrace } from './jaeger.ts';
import { apiBase, labAccount } from './lab.ts';
import { labViews } from './views.ts';

const ADMIN_KEY = 'flowlab.adminToken';
const FIELDS = ['service', 'operation', 'status', 'minDuration', 'maxDuration', 'tags', 'lookback', 'limit'] as const;

interface Summary {
  traceId: string;
  rootName: string;
  service: string;
  services: string[];
  statusCode?: number;
  error: boolean;
  startTime: string;
  durationMs: number;
  spanCount: number;
}

function options(select: HTMLSelectElement, first: string, values: string[], selected: string) {
  select.replaceChildren(
    new Option(first, ''),
    ...values.map((value) => new Option(value, value, false, value === selected)),
  );
}

class JaegerSearch extends HTMLElement {
  async connectedCallback() {
    const status = this.querySelector<HTMLElement>('.status');
    const form = this.querySelector<HTMLFormElement>('form');
    const summary = this.querySelector<HTMLElement>('.summary');
    const list = this.querySelector<HTMLOListElement>('.recent-list');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!status || !form || !summary || !list || !trace) return;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
    const adminLabel = this.querySelector<HTMLElement>('.admin-token');

    status.textContent = 'Asking the API for its Jaeger…';
    const views = await labViews();
    if (!views?.jaeger.search) {
      status.textContent = views
        ? 'This API reads no Jaeger: start it with JAEGER_QUERY_URL (natively http://127.0.0.1:16686), as the Reference page on the full lab says.'
        : `The API did not answer at $apiBase.`;
      return;
    }
    status.textContent = views.jaeger.ui
      ? `Jaeger's own UI is at ${views.jaeger.ui}; this search reads the same traces through the API.`
      : 'This Jaeger has no UI of its own (built from the Go module proxy): this page is its UI.';

    const params = new URLSearchParams(location.search);
    const asAdmin = params.get('as') === 'admin';
    (form.querySelector(`input[name="as"][value="${asAdmin ? 'admin' : 'lab'}"]`) as HTMLInputElement).checked = true;
    field('adminToken').value = sessionStorage.getItem(ADMIN_KEY) ?? '';
    // Service and operation are chosen once their options have arrived.
    for (const name of FIELDS) {
      const value = params.get(name);
      if (value !== null && name !== 'service' && name !== 'operation') field(name).value = value;
    }
    const chosen = () => (form.querySelector('input[name="as"]:checked') as HTMLInputElement | null)?.value ?? 'lab';
    const showAdmin = () => {
      if (adminLabel) adminLabel.hidden = chosen() !== 'admin';
    };
    showAdmin();
    form.addEventListener('change', showAdmin);

    const service = field('service') as HTMLSelectElement;
    const operation = field('operation') as HTMLSelectElement;
    const loadOperations = async (selected: string) => {
      if (!service.value) return options(operation, 'any', [], '');
      const response = await fetch(`${apiBase}/debug/jaeger/operations?service=${encodeURIComponent(service.value)}`);
      const { items } = response.ok ? ((await response.json()) as { items: { name: string }[] }) : { items: [] };
      options(operation, 'any', items.map((o) => o.name).sort(), selected);
    };
    const services = await fetch(`${apiBase}/debug/jaeger/services`);
    if (!services.ok) {
      status.textContent = `Jaeger: ${await jaegerProblem(services)}`;
      return;
    }
    options(
      service,
      'every service',
      ((await services.json()) as { items: string[] }).items,
      params.get('service') ?? '',
    );
    await loadOperations(params.get('operation') ?? '');
    service.addEventListener('change', () => void loadOperations(''));
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
        const response = await fetch(`${apiBase}/debug/jaeger/traces?${query}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw new Error(await jaegerProblem(response));
        const { items, scope } = (await response.json()) as { items: Summary[]; scope: 'all' | 'own' };
        summary.textContent = `${items.length} trace${items.length === 1 ? '' : 's'}${scope === 'own' ? ' of your lab account' : ''}, newest first.`;
        list.replaceChildren(
          ...items.map((item) => {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'trace-link';
            button.dataset.traceId = item.traceId;
            button.textContent = `${item.service}: ${item.rootName}${item.statusCode ? ` → ${item.statusCode}` : ''}${item.error ? ' [error]' : ''}, ${item.durationMs.toFixed(1)} ms, ${item.spanCount} spans, ${new Date(item.startTime).toLocaleTimeString()}${item.services.length > 1 ? ` (${item.services.join(', ')})` : ''}`;
            // Searched with the admin token: read each trace with it too (a user's trace is theirs).
            button.addEventListener(
              'click',
              () => void showJaegerTrace(trace, item.traceId, admin ? token : undefined),
            );
            const li = document.createElement('li');
            li.append(button);
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

customElements.define('jaeger-search', JaegerSearch);
