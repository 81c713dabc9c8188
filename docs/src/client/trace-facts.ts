/**
 * <trace-facts>: the concepts page's ideas, each shown on the learner's own trace. When the page's
 * Run it has drawn a trace (its `lab-trace` event), every `.fact[data-fact]` is filled with what that
 * trace (and GET /metrics, and the request's log line) says of the idea beside it.
 */
import { allSpans, apiBase, readTrace, type SpanNode } from './lab.ts';

const SERVER_ATTRIBUTES = [
  'http.request.method',
  'http.route',
  'url.path',
  'http.response.status_code',
  'server.address',
  'enduser.id',
];

function byKind(spans: SpanNode[]): string {
  const kinds = new Map<string, string[]>();
  for (const span of spans) kinds.set(span.kind, [...(kinds.get(span.kind) ?? []), span.name]);
  return [...kinds.entries()]
    .map(([kind, names]) => {
      const unique = [...new Set(names)];
      const shown = unique.slice(0, 4).join(', ') + (unique.length > 4 ? ', …' : '');
      return `${names.length} ${kind} (${shown})`;
    })
    .join('; ');
}

/**
 * The histogram of this request's route, method and status, from GET /metrics (OpenMetrics), one
 * short line per bucket: the labels are said once, the exemplar's trace id marked when it is yours.
 */
async function histogramLines(server: SpanNode, traceId: string): Promise<{ lines: string[]; exemplar: boolean }> {
  const response = await fetch(`${apiBase}/metrics`, { headers: { Accept: 'application/openmetrics-text' } });
  const text = await response.text();
  const labels = [
    `http_request_method="${server.attributes['http.request.method']}"`,
    `http_route="${server.attributes['http.route']}"`,
    `http_response_status_code="${server.attributes['http.response.status_code']}"`,
  ];
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('http_server_request_duration_seconds') && labels.every((label) => l.includes(label)))
    .slice(0, 16)
    .map((line) => {
      const [sample = '', exemplar] = line.split(' # ');
      const name = sample.slice(0, sample.indexOf('{')).replace('http_server_request_duration_seconds', '');
      const le = /le="([^"]+)"/.exec(sample)?.[1];
      const raw = sample.slice(sample.lastIndexOf(' ') + 1);
      const value = name === '_sum' ? `${Number(raw).toFixed(4)} s` : raw;
      const trace = exemplar && /trace_id="([0-9a-f]+)"/.exec(exemplar)?.[1];
      const mark = trace ? `   # exemplar ${trace.slice(0, 8)}…${trace === traceId ? ' (yours)' : ''}` : '';
      return `${name}${le ? `{le="${le}"}` : ''}`.padEnd(22) + value + mark;
    });
  return {
    lines: ['http_server_request_duration_seconds{', ...labels.map((l) => `  ${l},`), '}', ...lines],
    exemplar: text.includes(`trace_id="${traceId}"`),
  };
}

function code(text: string): HTMLElement {
  return Object.assign(document.createElement('code'), { textContent: text });
}

function block(text: string): HTMLElement {
  const pre = Object.assign(document.createElement('pre'), { textContent: text, tabIndex: 0 });
  return pre;
}

async function fill(root: HTMLElement, traceId: string): Promise<void> {
  const tree = await readTrace(traceId, 8);
  if (!tree) return;
  const spans = allSpans(tree);
  const server = spans.find((s) => s.kind === 'SERVER');
  const first = tree[0];
  const facts = Object.fromEntries(
    [...root.querySelectorAll<HTMLElement>('.fact[data-fact]')].map((el) => [el.dataset.fact ?? '', el]),
  );
  const set = (name: string, ...content: (Node | string)[]) => {
    facts[name]?.replaceChildren(...content);
    facts[name]?.setAttribute('data-filled', 'true');
  };
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.durationMs));
  set(
    'trace',
    'Your trace ',
    code(traceId),
    `: ${spans.length} spans over ${(end - start).toFixed(1)} ms. Its first span, ${first?.name}, was made in your browser; the API's `,
    code(server?.name ?? '?'),
    ' is its child, and every step of the API is below that.',
  );
  set('kinds', `In your trace: ${byKind(spans)}.`);
  if (server) {
    const shown = SERVER_ATTRIBUTES.filter((k) => server.attributes[k] !== undefined).map(
      (k) => `${k} = ${JSON.stringify(server.attributes[k])}`,
    );
    set('attributes', `Your SERVER span ${server.name} says:`, block(shown.join('\n')));
    set(
      'propagation',
      'Your browser sent ',
      code(`traceparent: 00-${traceId}-${server.parentSpanId ?? '?'}-01`),
      `: the API's SERVER span has that trace id, and its parent is ${server.parentSpanId}, your browser's fetch span. The last field, 01, says "sampled".`,
    );
  }
  const events = spans.flatMap((s) => s.events.map((e) => `${s.name}: ${e.name}`));
  set(
    'events',
    events.length
      ? `Events in your trace: ${events.join('; ')}.`
      : 'Your trace has no event, and no span in error: nothing failed. A 5xx would carry an exception event on the span that failed.',
  );
  const links = spans.flatMap((s) => s.links.map((l) => `${s.name} → trace ${l.traceId}`));
  set(
    'links',
    links.length
      ? `Links in your trace: ${links.join('; ')}.`
      : "Your trace links nowhere: everything in it was caused by your click, its parent. The worker's trace (with Neo4j) links back to a create like yours.",
  );
  if (server) {
    try {
      const { lines, exemplar } = await histogramLines(server, traceId);
      set(
        'metrics',
        `Your request counted in the duration histogram of ${server.name} → ${server.attributes['http.response.status_code']}, its labels, then one line per bucket (how many took at most le seconds), the sum of their durations and their count:`,
        block(lines.join('\n')),
        exemplar
          ? 'Your own trace id is the exemplar of one bucket (marked "yours"; the whole id is in /metrics).'
          : 'A later request in the same bucket has since replaced your exemplar (the "#" part).',
      );
    } catch {
      set('metrics', `GET /metrics did not answer at ${apiBase}.`);
    }
    const line = {
      level: 30,
      msg: 'request',
      method: server.attributes['http.request.method'],
      route: server.attributes['http.route'],
      status: server.attributes['http.response.status_code'],
      durationMs: Math.round(server.durationMs * 100) / 100,
      trace_id: traceId,
      span_id: server.spanId,
    };
    set(
      'logs',
      'In the terminal running npm start, the line of your request has these fields (and a few more: time, requestId, userId):',
      block(JSON.stringify(line, null, 2)),
      'Search the log for your trace id and you find it.',
    );
  }
}

class TraceFacts extends HTMLElement {
  connectedCallback() {
    document.addEventListener('lab-trace', (event) => {
      const { traceId } = (event as CustomEvent<{ traceId: string }>).detail;
      void fill(this, traceId);
    });
  }
}

customElements.define('trace-facts', TraceFacts);
