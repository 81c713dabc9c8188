/** The recent-traces store stays within its bounds; its spans make the span tree the views serve. */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RecentTraces } from '../../src/telemetry/recent-traces.ts';
import { spanTree } from '../../src/trace-views/span-tree.ts';

function span(
  traceId: string,
  spanId: string,
  parentSpanId?: string,
  attributes: Record<string, unknown> = {},
  remoteParent = false,
) {
  return {
    name: parentSpanId ? `child ${spanId}` : 'GET /todos',
    kind: parentSpanId ? SpanKind.INTERNAL : SpanKind.SERVER,
    spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
    parentSpanContext: parentSpanId
      ? { traceId, spanId: parentSpanId, traceFlags: 1, isRemote: remoteParent }
      : undefined,
    startTime: [1_700_000_000, Number(spanId) * 1000],
    duration: [0, 5_000_000],
    status: { code: SpanStatusCode.UNSET },
    attributes,
    events: [],
    links: [],
  } as unknown as ReadableSpan;
}

describe('recent traces', () => {
  it('keeps at most maxTraces traces, dropping the oldest', () => {
    const store = new RecentTraces({ maxTraces: 3, maxSpans: 100, maxBytes: 1e9 });
    for (let t = 1; t <= 5; t++) store.onEnd(span(`trace${t}`, '1'));
    expect(store.list({ limit: 10 }).map((s) => s.traceId)).toEqual(['trace5', 'trace4', 'trace3']);
    expect(store.spans('trace1')).toBeUndefined();
  });

  it('keeps at most maxSpans spans in all', () => {
    const store = new RecentTraces({ maxTraces: 100, maxSpans: 5, maxBytes: 1e9 });
    for (let t = 1; t <= 3; t++) {
      store.onEnd(span(`trace${t}`, '2', '1'));
      store.onEnd(span(`trace${t}`, '1'));
    }
    expect(store.list({ limit: 10 }).map((s) => s.traceId)).toEqual(['trace3', 'trace2']);
  });

  it('keeps at most about maxBytes bytes of spans', () => {
    const store = new RecentTraces({ maxTraces: 100, maxSpans: 100, maxBytes: 4000 });
    const big = { 'db.query.text': 'x'.repeat(500) };
    for (let t = 1; t <= 4; t++) store.onEnd(span(`trace${t}`, '1', undefined, big));
    // Each span is about 1.9 KB here: two fit, the older two were dropped.
    expect(store.list({ limit: 10 }).map((s) => s.traceId)).toEqual(['trace4', 'trace3']);
  });

  it('builds the tree and filters by route and status', () => {
    const store = new RecentTraces({ maxTraces: 10, maxSpans: 100, maxBytes: 1e9 });
    store.onEnd(span('a', '2', '1'));
    store.onEnd(span('a', '1', undefined, { 'http.route': '/todos', 'http.response.status_code': 200 }));
    store.onEnd(span('b', '1', undefined, { 'http.route': '/todos/:id' }));
    const [root] = spanTree(store.spans('a') ?? []);
    expect(root?.name).toBe('GET /todos');
    expect(root?.children.map((c) => c.spanId)).toEqual(['2']);
    expect(store.list({ route: '/todos', limit: 10 }).map((s) => s.traceId)).toEqual(['a']);
    expect(store.list({ status: 'error', limit: 10 })).toEqual([]);
  });

  it("lists a trace that continues a caller's traceparent, under the SERVER span that continued it", () => {
    const store = new RecentTraces({ maxTraces: 10, maxSpans: 100, maxBytes: 1e9 });
    store.onEnd(span('c', '2', '1'));
    store.onEnd(span('c', '1', '9', { 'http.route': '/todos' }, true));
    expect(store.list({ limit: 10 })).toEqual([
      expect.objectContaining({ traceId: 'c', rootName: 'child 1', route: '/todos', spanCount: 2 }),
    ]);
    expect(
      spanTree(store.spans('c') ?? []).map((root) => [root.spanId, root.parentSpanId, root.children.length]),
    ).toEqual([['1', '9', 1]]);
  });

  it('keeps nothing when configured off', () => {
    const store = new RecentTraces({ maxTraces: 0, maxSpans: 0, maxBytes: 0 });
    store.onEnd(span('a', '1'));
    expect(store.enabled).toBe(false);
    expect(store.list({ limit: 10 })).toEqual([]);
  });

  it('lists a user only the traces they authenticated in, and drops the owners with the trace', () => {
    const store = new RecentTraces({ maxTraces: 2, maxSpans: 100, maxBytes: 1e9 });
    store.claim('trace1', 7);
    store.onEnd(span('trace1', '1'));
    store.claim('trace2', 8);
    store.onEnd(span('trace2', '1'));
    expect(store.list({ limit: 10, ownerId: 7 }).map((s) => s.traceId)).toEqual(['trace1']);
    expect(store.list({ limit: 10, ownerId: 8 }).map((s) => s.traceId)).toEqual(['trace2']);
    expect(store.list({ limit: 10 }).map((s) => s.traceId)).toEqual(['trace2', 'trace1']);
    store.onEnd(span('trace3', '1'));
    expect(store.ownersOf('trace1')).toEqual([]);
    expect(store.list({ limit: 10, ownerId: 7 })).toEqual([]);
  });

  it('keeps the claims of traces that never arrive bounded', () => {
    const store = new RecentTraces({ maxTraces: 3, maxSpans: 100, maxBytes: 1e9 });
    for (let t = 0; t < 50; t++) store.claim(`orphan${t}`, 1);
    expect(store.ownersOf('orphan0')).toEqual([]);
    expect(store.ownersOf('orphan49')).toEqual([1]);
  });
});

describe('linked traces', () => {
  // The request (trace "req", user 1's) wrote an event; the worker's trace ("work") has an event span linking to it.
  function linked() {
    const store = new RecentTraces({ maxTraces: 10, maxSpans: 100, maxBytes: 1e9 });
    store.onEnd(span('req', '1', undefined, { 'http.route': '/todos' }));
    store.claim('req', 1);
    const event = span('work', '2', '1');
    (event as { links: unknown }).links = [{ context: { traceId: 'req', spanId: '1', traceFlags: 1 } }];
    store.onEnd(event);
    store.onEnd(span('work', '1'));
    store.onEnd(span('other', '1'));
    return store;
  }

  it("lists the worker's trace to the user whose request it links to, and to nobody else", () => {
    const store = linked();
    const mine = store.list({ limit: 10, ownerId: 1 });
    expect(mine.map((s) => s.traceId)).toEqual(['work', 'req']);
    expect(mine[0]?.linksTo).toEqual(['req']);
    expect(store.list({ limit: 10, ownerId: 2 })).toEqual([]);
  });

  it('gives a trace its links both ways, so a viewer can follow them', () => {
    const store = linked();
    expect(store.links('req')).toEqual({
      linksTo: [],
      linkedFrom: [{ traceId: 'work', spanId: '2', spanName: 'child 2', localSpanId: '1' }],
    });
    expect(store.links('work')).toEqual({
      linksTo: [{ traceId: 'req', spanId: '1', spanName: 'GET /todos', localSpanId: '2' }],
      linkedFrom: [],
    });
  });
});
