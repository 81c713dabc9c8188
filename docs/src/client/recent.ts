/**
 * <recent-requests>: GET /debug/traces with the learner's token (only their own traces), newest
 * first, filtered by route and status as the API does (?route=, ?status=); a click on one draws
 * its waterfall. An answer is said the way the error model teaches: a 4xx is the client's
 * mistake, answered; only a 5xx is the server's error.
 */
import { apiBase, labAccount } from './lab.ts';
import { showTrace } from './run-it.ts';

interface TraceSummary {
  traceId: string;
  rootName: string;
  route?: string;
  statusCode?: number;
  error: boolean;
  startTime: string;
  durationMs: number;
  spanCount: number;
  /** Set on a trace linked to one of the learner's requests (the worker's outbox drain). */
  linksTo?: { traceId: string }[];
}

function outcome(item: TraceSummary): string {
  if (item.linksTo?.length) return ` [linked to your request]${item.error ? ' [a span in error]' : ''}`;
  const code = item.statusCode;
  if (code === undefined) return item.error ? ' [a span in error]' : '';
  if (code >= 500) return ` ${code} [server error]`;
  if (code >= 400) return ` ${code}, answered (the client's mistake)`;
  return ` ${code}`;
}

class RecentRequests extends HTMLElement {
  connectedCallback() {
    const form = this.querySelector<HTMLFormElement>('form.recent-filters');
    const route = form?.querySelector<HTMLSelectElement>('select[name="route"]');
    const status = form?.querySelector<HTMLSelectElement>('select[name="status"]');
    const refresh = this.querySelector<HTMLButtonElement>('button.refresh');
    const summary = this.querySelector<HTMLElement>('.summary');
    const list = this.querySelector<HTMLOListElement>('.recent-list');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!form || !route || !status || !refresh || !summary || !list || !trace) return;
    const routes = new Set<string>();
    const load = async () => {
      summary.textContent = 'Loading…';
      try {
        const { token } = await labAccount();
        const query = new URLSearchParams({ limit: '50' });
        if (route.value) query.set('route', route.value);
        if (status.value) query.set('status', status.value);
        const response = await fetch(`${apiBase}/debug/traces?${query}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw new Error(`GET /debug/traces answered ${response.status}`);
        const { items } = (await response.json()) as { items: TraceSummary[] };
        // The route list grows with what the learner has sent: every route they can filter by.
        for (const item of items)
          if (item.route && !routes.has(item.route)) {
            routes.add(item.route);
            route.append(new Option(item.route, item.route));
          }
        const filtered = route.value || status.value ? ' (filtered)' : '';
        summary.textContent = `${items.length} recent request${items.length === 1 ? '' : 's'}${filtered}, newest first.`;
        list.replaceChildren(
          ...items.map((item) => {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'trace-link';
            button.textContent = `${item.rootName} →${outcome(item)}, ${item.durationMs.toFixed(1)} ms, ${item.spanCount} spans, ${new Date(item.startTime).toLocaleTimeString()}`;
            button.addEventListener('click', () => void showTrace(trace, item.traceId, ''));
            const li = document.createElement('li');
            li.append(button);
            return li;
          }),
        );
      } catch (error) {
        summary.textContent = `Could not list your requests: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    form.hidden = false;
    refresh.addEventListener('click', () => void load());
    route.addEventListener('change', () => void load());
    status.addEventListener('change', () => void load());
    void load();
  }
}

customElements.define('recent-requests', RecentRequests);
