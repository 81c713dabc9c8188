/**
 * <log-search>: the API's log lines through GET /debug/logs. The lab account finds the lines of
 * the requests it made; the admin token every line. The source is the API's recent-logs store, or
 * VictoriaLogs when the API reads one (the lines that left the store). Each line opens on its
 * fields and links to its trace, opened on the span that wrote it. The form (whose lines, the
 * address, the token) is search-form.ts's, shared with <jaeger-search>.
 */

import { apiBase, type StoredLog } from './lab.ts';
import { connectSearch, counted } from './search-form.ts';
import { labViews } from './views.ts';
import { renderLogLine } from './waterfall.ts';

interface LogAnswer {
  items: StoredLog[];
  scope: 'all' | 'own';
  source: 'recent' | 'victorialogs';
}

class LogSearch extends HTMLElement {
  connectedCallback() {
    void connectSearch<LogAnswer>(this, {
      fields: ['source', 'level', 'route', 'status', 'text', 'traceId', 'limit'],
      path: '/debug/logs',
      listClass: 'log-results',
      prepare: async ({ status, form }) => {
        const views = await labViews();
        if (!views) {
          status.textContent = `The API did not answer at ${apiBase}.`;
          return false;
        }
        const victoria = form.querySelector<HTMLOptionElement>('option[value="victorialogs"]');
        if (victoria) victoria.disabled = !views.logs?.victoriaLogs;
        status.textContent = views.logs?.victoriaLogs
          ? "The API's recent logs hold its last few thousand lines; VictoriaLogs holds every line the collector sent it."
          : "The API's recent logs hold its last few thousand lines. With VictoriaLogs (npm run stack:up, and VICTORIALOGS_URL), older lines are searchable too.";
        return true;
      },
      render: ({ items, scope, source }) => ({
        summary: `${counted(items.length, 'line', scope)} from ${source === 'victorialogs' ? 'VictoriaLogs' : "the API's recent logs"}, newest first. Open a line for its fields and its trace.`,
        items: items.map((line) => renderLogLine(line, { linkTrace: true })),
      }),
    });
  }
}

customElements.define('log-search', LogSearch);
