/**
 * The trace waterfall: one row per span, indented by depth, its bar placed and sized as a share of
 * the whole trace (as otel-desktop-viewer draws it). Each row is a <details>: the keyboard opens it,
 * and inside are the span's attributes, events and log lines (each line opens on its fields).
 * Errors and the step's own span are said in words as well as colour, so the waterfall reads
 * without colour too. Each row has the id span-<spanId>: a log line elsewhere links to its span.
 */
import { allSpans, type SpanNode, type StoredLog } from './lab.ts';

/** A DOM element with its properties and children (the lab's panels build their markup with it). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function table(caption: string, entries: [string, unknown][]): HTMLElement {
  const body = element('tbody');
  for (const [key, value] of entries)
    body.append(
      element(
        'tr',
        {},
        element('th', { scope: 'row' }, key),
        element('td', {}, value instanceof Node ? value : valueText(value)),
      ),
    );
  return element('table', {}, element('caption', {}, caption), body);
}

function isError(span: SpanNode): boolean {
  const status = Number(span.attributes['http.response.status_code']);
  return span.status === 'error' || status >= 500;
}

const base = import.meta.env.BASE_URL.replace(/\/$/, '');

/** The trace page for one trace id (where a link between traces leads), opened on a span when given (a log line's). */
export function traceHref(traceId: string, spanId?: string): string {
  return `${base}/traces/?id=${traceId}${spanId ? `&span=${spanId}#span-${spanId}` : ''}`;
}

/** One log line: level, time and message; opened, its fields. */
export function renderLogLine(line: StoredLog, options: { start?: number; linkTrace?: boolean } = {}): HTMLElement {
  const when =
    options.start === undefined
      ? new Date(line.time).toLocaleTimeString()
      : `+${Math.max(line.time - options.start, 0).toFixed(0)} ms`;
  const summary = element(
    'summary',
    {},
    element('span', { className: `level level-${line.level}` }, line.level),
    element('span', { className: 'when' }, when),
    element('span', { className: 'message' }, line.message),
  );
  const details = element('details', { className: 'log-line' }, summary);
  const facts: [string, unknown][] = [['time', new Date(line.time).toISOString()], ...Object.entries(line.fields)];
  if (line.traceId) {
    facts.push([
      'trace',
      options.linkTrace
        ? element('a', { href: traceHref(line.traceId, line.spanId) }, `${line.traceId} (span ${line.spanId})`)
        : line.traceId,
    ]);
  }
  details.append(table('Fields', facts));
  return details;
}

/** How long a trace lasts, from its first span's start to its last span's end, in ms. */
export function traceLength(tree: SpanNode[]): number {
  const spans = allSpans(tree);
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.durationMs));
  return Math.max(end - start, 0.001);
}

/**
 * `axisMs` puts the trace on a longer time axis than its own (the compare view: two traces, one
 * scale, so a bar's length means the same time in both).
 */
export function renderWaterfall(tree: SpanNode[], highlight: string, options: { axisMs?: number } = {}): HTMLElement {
  const spans = allSpans(tree);
  const start = Math.min(...spans.map((s) => s.startTime));
  const total = Math.max(options.axisMs ?? 0, traceLength(tree));
  const list = element('ol', { className: 'waterfall' });
  list.setAttribute('aria-label', `Trace waterfall, ${spans.length} spans over ${total.toFixed(1)} ms`);

  const add = (span: SpanNode, depth: number) => {
    const offset = ((span.startTime - start) / total) * 100;
    const width = Math.max((span.durationMs / total) * 100, 0.4);
    const marks: string[] = [];
    if (highlight && span.name === highlight) marks.push('this step');
    if (isError(span)) marks.push('error');
    const problem = span.attributes['flowlab.problem.type'];
    if (problem) marks.push(String(problem));
    const logs = span.logs ?? [];
    if (logs.length > 0) marks.push(`${logs.length} log line${logs.length === 1 ? '' : 's'}`);
    // The side a span is from, where it is not the API: the browser's spans on step 1.
    const service = span.attributes['service.name'];
    if (service) marks.push(String(service));
    if (span.links.length) marks.push('linked');

    const bar = element('span', { className: 'bar' });
    bar.style.marginInlineStart = `${offset}%`;
    bar.style.width = `${width}%`;
    const summary = element(
      'summary',
      {},
      // The whole name, wrapped when the row is narrow, never cut: the marks follow it.
      element(
        'span',
        { className: 'name' },
        element('span', { className: 'span-name' }, span.name),
        ' ',
        element('span', { className: 'kind' }, span.kind),
        marks.length ? ' ' : '',
        element('span', { className: 'marks' }, marks.map((m) => `[${m}]`).join(' ')),
      ),
      element('span', { className: 'duration' }, `${span.durationMs.toFixed(1)} ms`),
      element('span', { className: 'track' }, bar),
    );
    summary.style.setProperty('--depth', String(depth));
    const details = element('details', { id: `span-${span.spanId}` }, summary);
    details.dataset.span = span.name;
    if (highlight && span.name === highlight) details.classList.add('highlight');
    if (isError(span)) details.classList.add('error');
    const facts: [string, unknown][] = [
      ['kind', span.kind],
      ['status', span.statusMessage ? `${span.status}: ${span.statusMessage}` : span.status],
      ['starts at', `+${(span.startTime - start).toFixed(2)} ms`],
      ['span id', span.spanId],
      // A link leads to another trace: the worker's event span to the request that wrote the event.
      ...span.links.map((l): [string, unknown] => [
        'link',
        element('a', { href: traceHref(l.traceId) }, `trace ${l.traceId}, span ${l.spanId}`),
      ]),
    ];
    details.append(table('Span', facts), table('Attributes', Object.entries(span.attributes)));
    for (const event of span.events)
      details.append(
        table(`Event: ${event.name} at +${(event.timeMs - start).toFixed(2)} ms`, Object.entries(event.attributes)),
      );
    if (logs.length > 0) {
      const lines = element('div', { className: 'log-lines' }, element('p', {}, 'Log lines written in this span'));
      for (const line of logs) lines.append(renderLogLine(line, { start }));
      details.append(lines);
    }
    list.append(element('li', {}, details));
    for (const child of span.children) add(child, depth + 1);
  };
  for (const root of tree) add(root, 0);
  return list;
}
