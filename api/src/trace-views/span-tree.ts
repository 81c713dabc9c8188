/**
 * One trace's spans as a tree: the shape GET /debug/traces/{traceId} and
 * GET /debug/jaeger/traces/{traceId} serve, the docs' waterfall draws and the tests read.
 * The one place that builds the tree and the one that walks it back into a list.
 * Imported by other workspaces as `@flowlab/api/span-tree` (types and these two functions only:
 * nothing here does I/O or reaches Node, so a browser bundle can take it).
 */
import type { StoredSpan } from '../telemetry/recent-traces.ts';

export type { StoredSpan };

export interface SpanNode extends StoredSpan {
  children: SpanNode[];
}

/**
 * Children in start order; a span whose parent is not among them (a remote caller's, or one not
 * kept) is a root. The recent-traces store's spans and Jaeger's are drawn through it alike.
 */
export function spanTree(spans: StoredSpan[]): SpanNode[] {
  const nodes = new Map(spans.map((s) => [s.spanId, { ...s, children: [] as SpanNode[] }]));
  const roots: SpanNode[] = [];
  for (const node of [...nodes.values()].sort((a, b) => a.startTime - b.startTime)) {
    const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Every span of a tree, depth first, parents before their children. */
export function flattenSpans<T extends { children: T[] }>(tree: T[]): T[] {
  return tree.flatMap((span) => [span, ...flattenSpans(span.children)]);
}
