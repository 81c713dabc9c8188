/**
 * <recent-requests>: GET /debug/traces with the learner's token (only their own traces), newest
 * first; a click on one draws its waterfall.
 */
import { apiBase, labAccount } from './lab.ts';
import { showTrace } from './run-it.ts';

interface TraceSummary {
  traceId: string;
  rootName: string;
  statusCode?: number;
  error: boolean;
  startTime: string;
  durationMs: number;
  spanCount: number;
}

class RecentRequests extends HTMLElement {
  connectedCallback() {
    const refresh = this.querySelector<HTMLButtonElement>('button.refresh');
    const summary = this.querySelector<HTMLElement>('.summary');
    const list = this.querySelector<HTMLOListElement>('.recent-list');
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!refresh || !summary || !list || !trace) return;
    const load = async () => {
      summary.textContent = 'Loading…';
      try {
        const { token } = await labAccount();
        const response = await fetch(`${apiBase}/debug/traces?limit=50`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw new Error(`GET /debug/traces answered ${response.status}`);
        const { items } = (await response.json()) as { items: TraceSummary[] };
        summary.textContent = `${items.length} recent request${items.length === 1 ? '' : 's'}, newest first.`;
        list.replaceChildren(
          ...items.map((item) => {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'trace-link';
            button.textContent = `${item.rootName} → ${item.statusCode ?? '?'}${item.error ? ' [error]' : ''}, ${item.durationMs.toFixed(1)} ms, ${item.spanCount} spans, ${new Date(item.startTime).toLocaleTimeString()}`;
            button.addEventListener('click', () => void showTrace(trace, item.traceId, item.rootName));
            const li = document.createElement('li');
            li.append(button);
            return li;
          }),
        );
      } catch (error) {
        summary.textContent = `Could not list your requests: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    refresh.hidden = false;
    refresh.addEventListener('click', () => void load());
    void load();
  }
}

customElements.define('recent-requests', RecentRequests);
