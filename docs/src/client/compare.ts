/**
 * Two traces on one time axis: each waterfall starts at its own first span, and a millisecond is
 * the same length in both, so "the hit is shorter" is seen, not computed. The cache page compares
 * a miss with a hit; any page can compare two requests (the breaker closed and open, PGlite and
 * PostgreSQL).
 */
import type { SpanNode } from './lab.ts';
import { renderWaterfall, traceLength } from './waterfall.ts';

export interface ComparedTrace {
  label: string;
  traceId: string;
  tree: SpanNode[];
}

export function renderComparison(traces: ComparedTrace[], highlight: string): HTMLElement {
  const axisMs = Math.max(...traces.map((t) => traceLength(t.tree)));
  const figure = document.createElement('figure');
  figure.className = 'trace-compare';
  const caption = document.createElement('figcaption');
  caption.textContent = `${traces.length} traces on one time axis: 0 to ${axisMs.toFixed(1)} ms (the longest), each from its own first span.`;
  figure.append(caption);
  for (const trace of traces) {
    const section = document.createElement('section');
    section.className = 'compared';
    const heading = document.createElement('p');
    heading.className = 'trace-heading';
    heading.append(
      Object.assign(document.createElement('strong'), { textContent: trace.label }),
      `: ${traceLength(trace.tree).toFixed(1)} ms, trace `,
      Object.assign(document.createElement('code'), { textContent: trace.traceId }),
    );
    section.append(heading, renderWaterfall(trace.tree, highlight, { axisMs }));
    figure.append(section);
  }
  return figure;
}
