/** Reading a started server's own recent-traces store (GET /debug/traces), for span-tree tests. */
import { randomBytes } from 'node:crypto';
import { flattenSpans, type SpanNode } from '../../src/trace-views/span-tree.ts';
import { eventually } from './services.ts';

export type { SpanNode };

/** A W3C traceparent for a request, so the test knows its trace id in advance. */
export function newTraceparent(): { traceparent: string; traceId: string; parentSpanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${parentSpanId}-01`, traceId, parentSpanId };
}

/** The reference page that draws the request path (the diagram the docs and these tests read). */
export const REQUEST_PATH_PAGE = 'docs/src/content/docs/reference/request-path.md';

/** The step spans under a create's SERVER span, in the order the request-path diagram gives them. */
export const CREATE_STEPS = [
  'authenticate',
  'validate request',
  'rate limit decision',
  'duplicate check',
  'outbox write',
  'graph write',
];

export const flatten = flattenSpans<SpanNode>;

/** The trace's span tree once its SERVER span has ended (spans end after the response is sent). */
export async function fetchTrace(
  base: string,
  traceId: string,
  options: { minSpans?: number } = {},
): Promise<SpanNode[]> {
  return eventually(
    async () => {
      const response = await fetch(`${base}/debug/traces/${traceId}`);
      if (response.status !== 200) throw new Error(`trace ${traceId}: ${response.status}`);
      const { spans } = (await response.json()) as { spans: SpanNode[] };
      if (!flatten(spans).some((s) => s.kind === 'SERVER')) throw new Error('server span not ended yet');
      if (flatten(spans).length < (options.minSpans ?? 1)) throw new Error('not all spans yet');
      return spans;
    },
    { timeoutMs: 5000, intervalMs: 50 },
  );
}

export function child(node: SpanNode, name: string): SpanNode {
  const found = node.children.find((c) => c.name === name);
  if (!found)
    throw new Error(`"${node.name}" has no child "${name}"; it has: ${node.children.map((c) => c.name).join(', ')}`);
  return found;
}

export const isPostgresSpan = (s: SpanNode) =>
  s.kind === 'CLIENT' && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql';
export const isRedisSpan = (s: SpanNode) =>
  s.kind === 'CLIENT' && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'redis';
