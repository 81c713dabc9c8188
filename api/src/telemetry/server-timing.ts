/**
 * Server-Timing: how long each request spent in PostgreSQL (db), Neo4j (graph) and Redis
 * (cache), summed from the CLIENT spans of its trace as they end, plus the total.
 * `curl -i` and the browser's devtools show the breakdown without any tracing backend.
 */
import { SpanKind } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_DB_SYSTEM_NAME, ATTR_DB_SYSTEM_OLD } from './attributes.ts';

export type TimingStep = 'db' | 'graph' | 'cache';

function stepOf(span: ReadableSpan): TimingStep | undefined {
  if (span.kind !== SpanKind.CLIENT) return undefined;
  const system = span.attributes[ATTR_DB_SYSTEM_NAME] ?? span.attributes[ATTR_DB_SYSTEM_OLD];
  if (system === 'postgresql') return 'db';
  if (system === 'neo4j') return 'graph';
  if (system === 'redis') return 'cache';
  return undefined;
}

export class ServerTimings implements SpanProcessor {
  /** Only traces whose request is in flight are tracked; bounded by the requests in flight. */
  private readonly open = new Map<string, Record<TimingStep, number>>();

  /** Starts collecting for a request's trace; returns a function that stops and returns the sums. */
  track(traceId: string): () => Record<TimingStep, number> {
    const sums = { db: 0, graph: 0, cache: 0 };
    this.open.set(traceId, sums);
    return () => {
      this.open.delete(traceId);
      return sums;
    };
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    const sums = this.open.get(span.spanContext().traceId);
    const step = sums && stepOf(span);
    if (sums && step) sums[step] += hrTimeToMilliseconds(span.duration);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export const serverTimings = new ServerTimings();

/**
 * The Server-Timing header value: `db;dur=3.2, graph;dur=4.1, cache;dur=0.4, total;dur=9.8`, or
 * `total;dur=9.8` alone when there are no sums (telemetry off, or a request the sampler left out).
 */
export function serverTimingHeader(sums: Record<TimingStep, number> | undefined, totalMs: number): string {
  const entry = (name: string, ms: number) => `${name};dur=${Math.round(ms * 100) / 100}`;
  const total = entry('total', totalMs);
  return sums
    ? [entry('db', sums.db), entry('graph', sums.graph), entry('cache', sums.cache), total].join(', ')
    : total;
}
