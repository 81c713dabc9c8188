/**
 * <jaeger-search>: Jaeger's search form, through the API. The lab account sees the traces it
 * authenticated in; the admin token sees every service's. The form (whose traces, the address,
 * the token) is search-form.ts's, shared with <log-search>; the services and operations come
 * from Jaeger, and a trace opens below in the walkthrough's own waterfall.
 */

import { jaegerProblem, showJaegerTrace } from './jaeger.ts';
import { apiBase } from './lab.ts';
import { connectSearch, counted } from './search-form.ts';
import { labViews } from './views.ts';

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
  connectedCallback() {
    const trace = this.querySelector<HTMLElement>('.trace');
    if (!trace) return;
    void connectSearch<{ items: Summary[]; scope: 'all' | 'own' }>(this, {
      fields: ['service', 'operation', 'status', 'minDuration', 'maxDuration', 'tags', 'lookback', 'limit'],
      // Service and operation are chosen once their options have arrived.
      restoreLater: ['service', 'operation'],
      path: '/debug/jaeger/traces',
      listClass: 'recent-list',
      prepare: async ({ status, field }, params) => {
        status.textContent = 'Asking the API for its Jaeger…';
        const views = await labViews();
        if (!views?.jaeger.search) {
          status.textContent = views
            ? 'This API reads no Jaeger: start it with JAEGER_QUERY_URL (natively http://127.0.0.1:16686), as the Reference page on the full lab says.'
            : `The API did not answer at ${apiBase}.`;
          return false;
        }
        status.textContent = views.jaeger.ui
          ? `Jaeger's own UI is at ${views.jaeger.ui}; this search reads the same traces through the API.`
          : 'This Jaeger has no UI of its own (built from the Go module proxy): this page is its UI.';
        const service = field('service') as HTMLSelectElement;
        const operation = field('operation') as HTMLSelectElement;
        const loadOperations = async (selected: string) => {
          if (!service.value) return options(operation, 'any', [], '');
          const response = await fetch(
            `${apiBase}/debug/jaeger/operations?service=${encodeURIComponent(service.value)}`,
          );
          const { items } = response.ok ? ((await response.json()) as { items: { name: string }[] }) : { items: [] };
          options(operation, 'any', items.map((o) => o.name).sort(), selected);
        };
        const services = await fetch(`${apiBase}/debug/jaeger/services`);
        if (!services.ok) {
          status.textContent = `Jaeger: ${await jaegerProblem(services)}`;
          return false;
        }
        const names = ((await services.json()) as { items: string[] }).items;
        options(service, 'every service', names, params.get('service') ?? '');
        await loadOperations(params.get('operation') ?? '');
        service.addEventListener('change', () => void loadOperations(''));
        return true;
      },
      render: ({ items, scope }, searched) => ({
        summary: `${counted(items.length, 'trace', scope)}, newest first.`,
        items: items.map((item) => {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'trace-link';
          button.dataset.traceId = item.traceId;
          button.textContent = `${item.service}: ${item.rootName}${item.statusCode ? ` → ${item.statusCode}` : ''}${item.error ? ' [error]' : ''}, ${item.durationMs.toFixed(1)} ms, ${item.spanCount} spans, ${new Date(item.startTime).toLocaleTimeString()}${item.services.length > 1 ? ` (${item.services.join(', ')})` : ''}`;
          // Searched with the admin token: read each trace with it too (a user's trace is theirs).
          button.addEventListener(
            'click',
            () => void showJaegerTrace(trace, item.traceId, searched.admin ? searched.token : undefined),
          );
          return button;
        }),
      }),
    });
  }
}

customElements.define('jaeger-search', JaegerSearch);
