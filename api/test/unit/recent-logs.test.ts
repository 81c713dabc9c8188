/**
 * The recent-logs store behind a trace's log lines and GET /debug/logs: fed by a real logs SDK
 * (LoggerProvider), bounded by lines and by bytes, and its byte count held to the heap it takes.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { RecentLogs } from '../../src/telemetry/recent-logs.ts';

function feed(store: RecentLogs) {
  const logger = new LoggerProvider({ processors: [store] }).getLogger('test');
  return (
    traceId: string | undefined,
    fields: Record<string, string | number>,
    message = 'request',
    level = 'info',
  ) => {
    const active = traceId
      ? trace.setSpanContext(context.active(), { traceId, spanId: traceId.slice(0, 16), traceFlags: 1 })
      : context.active();
    logger.emit({
      body: message,
      severityText: level,
      severityNumber: level === 'error' ? SeverityNumber.ERROR : SeverityNumber.INFO,
      attributes: fields,
      context: active,
    });
  };
}

const id = (n: number) => `a${n.toString(16).padStart(31, '0')}`;

describe('recent logs', () => {
  it("keeps a trace's lines under its id, and evicts the oldest line past maxLines", () => {
    const store = new RecentLogs({ maxLines: 3, maxBytes: 1_000_000 });
    const emit = feed(store);
    for (let i = 1; i <= 4; i++) emit(id(i), { route: '/todos', status: 200 + i });
    expect(store.size.lines).toBe(3);
    expect(store.ofTrace(id(1))).toEqual([]);
    expect(store.ofTrace(id(4))).toEqual([
      expect.objectContaining({
        message: 'request',
        traceId: id(4),
        spanId: id(4).slice(0, 16),
        fields: { route: '/todos', status: 204 },
      }),
    ]);
  });

  it('stays within maxBytes, whatever the lines weigh', () => {
    const store = new RecentLogs({ maxLines: 100_000, maxBytes: 64 * 1024 });
    const emit = feed(store);
    for (let i = 0; i < 2000; i++) emit(id(i), { text: 'x'.repeat(i % 500) });
    expect(store.size.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(store.size.lines).toBeGreaterThan(50);
  });

  it('searches newest first by level, route, status, text and trace, showing a viewer only what it may read', () => {
    const store = new RecentLogs({ maxLines: 100, maxBytes: 1_000_000 });
    const emit = feed(store);
    emit(id(1), { route: '/todos', status: 201 });
    emit(id(2), { route: '/todos', status: 409 });
    emit(id(2), { route: '/todos', status: 500 }, 'request failed', 'error');
    emit(undefined, { port: 8000 }, 'listening');
    const all = { limit: 10, visible: () => true };
    expect(store.search(all).map((l) => l.message)).toEqual(['listening', 'request failed', 'request', 'request']);
    expect(store.search({ ...all, minSeverity: 17 }).map((l) => l.fields.status)).toEqual([500]);
    expect(store.search({ ...all, status: 409 })).toHaveLength(1);
    expect(store.search({ ...all, text: 'FAILED' })).toHaveLength(1);
    expect(store.search({ ...all, traceId: id(1) })).toHaveLength(1);
    expect(store.search({ ...all, route: '/todos', limit: 2 })).toHaveLength(2);
    // A viewer who owns trace 1 only: neither trace 2's lines nor the line outside any trace.
    const own = store.search({ limit: 10, visible: (traceId) => traceId === id(1) });
    expect(own.map((l) => l.traceId)).toEqual([id(1)]);
  });

  it('counts bytes within a margin of the heap the kept lines take', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new RecentLogs({ maxLines: 100_000, maxBytes: 1024 ** 3 });
    const emit = feed(store);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 5000; i++) {
      emit(id(i), {
        requestId: crypto.randomUUID(),
        method: 'GET',
        route: '/todos/:id',
        path: `/todos/${i}`,
        status: 200,
        durationMs: i / 7,
      });
    }
    gc();
    const measured = process.memoryUsage().heapUsed - before;
    const counted = store.size.bytes;
    console.log(`5,000 request lines: counted ${counted} bytes, heap grew ${measured}`);
    // Honest: never far below what the heap holds (the bound would not bound), nor far above it.
    expect(counted).toBeGreaterThan(measured * 0.8);
    expect(counted).toBeLessThan(measured * 2);
  });
});
