/**
 * A trace's log lines placed under the span that wrote them, for GET /debug/traces/:traceId: the
 * waterfall shows each span's lines when the span is opened. A line whose span is not in the tree
 * (one not kept, or a line written after its span ended) stays beside the tree, not lost.
 */
import type { StoredLog } from '../telemetry/recent-logs.ts';
import type { SpanNode } from './span-tree.ts';

export type SpanWithLogs = Omit<SpanNode, 'children'> & { logs: StoredLog[]; children: SpanWithLogs[] };

export function withLogLines(tree: SpanNode[], lines: StoredLog[]): { spans: SpanWithLogs[]; unplaced: StoredLog[] } {
  const bySpan = new Map<string, StoredLog[]>();
  for (const line of lines) {
    const key = line.spanId ?? '';
    const list = bySpan.get(key);
    if (list) list.push(line);
    else bySpan.set(key, [line]);
  }
  const place = (node: SpanNode): SpanWithLogs => {
    const logs = bySpan.get(node.spanId) ?? [];
    bySpan.delete(node.spanId);
    return { ...node, logs, children: node.children.map(place) };
  };
  const spans = tree.map(place);
  return { spans, unplaced: [...bySpan.values()].flat() };
}
