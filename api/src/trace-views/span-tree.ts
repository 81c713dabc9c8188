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

/** Deeper than this, a trace is refused by the views (JSON.stringify and the waterfall recurse). */
export const MAX_TREE_DEPTH = 100;

/**
 * Children in start order; a span whose parent is not among them (a remote caller's, or one not
 * kept) is a root. The recent-traces store's spans and Jaeger's are drawn through it alike.
 * Built without recursion. Spans whose parents form a cycle (forged ids) would hang off no root
 * and vanish: the first of each cycle becomes a root instead. `depth` is the deepest chain.
 */
export function buildSpanTree(spans: StoredSpan[]): { roots: SpanNode[]; depth: number } {
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) if (!nodes.has(s.spanId)) nodes.set(s.spanId, { ...s, children: [] });
  const sorted = [...nodes.values()].sort((a, b) => a.startTime - b.startTime);
  const roots: SpanNode[] = [];
  for (const node of sorted) {
    const parent = node.parentSpanId && node.parentSpanId !== node.spanId ? nodes.get(node.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const reached = new Set<SpanNode>();
  let depth = 0;
  const walk = (root: SpanNode) => {
    const stack: [SpanNode, number][] = [[root, 1]];
    reached.add(root);
    while (stack.length > 0) {
      const [node, level] = stack.pop() as [SpanNode, number];
      if (level > depth) depth = level;
      for (const child of node.children) {
        if (reached.has(child)) continue;
        reached.add(child);
        stack.push([child, level + 1]);
      }
    }
  };
  for (const root of roots) walk(root);
  for (const node of sorted) {
    if (reached.has(node)) continue;
    const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
    if (parent) parent.children = parent.children.filter((child) => child !== node);
    roots.push(node);
    walk(node);
  }
  return { roots, depth };
}

/** The roots of buildSpanTree, for callers that need no depth. */
export function spanTree(spans: StoredSpan[]): SpanNode[] {
  return buildSpanTree(spans).roots;
}

/** Every span of a tree, depth first, parents before their children; without recursion. */
export function flattenSpans<T extends { children: T[] }>(tree: T[]): T[] {
  const all: T[] = [];
  const stack = [...tree].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as T;
    all.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as T);
  }
  return all;
}
