/**
 * The recent-traces store: a span processor that keeps the last N traces in memory, so the
 * embedded lab and the docs can show a learner their own request without Jaeger.
 * Bounded twice: at most `maxTraces` traces, and at most `maxSpans` spans in all; the oldest
 * trace goes first. Served by GET /debug/traces and GET /debug/traces/:traceId.
 */
import type { Context } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  startTime: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
}

export interface TraceSummary {
  traceId: string;
  rootName: string;
  route?: string;
  method?: string;
  statusCode?: number;
  error: boolean;
  startTime: string;
  durationMs: number;
  spanCount: number;
}

export interface SpanNode extends StoredSpan {
  children: SpanNode[];
}

function toStored(span: ReadableSpan): StoredSpan {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: SpanKind[span.kind] ?? String(span.kind),
    startTime: hrTimeToMilliseconds(span.startTime),
    durationMs: Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000,
    status:
      span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    statusMessage: span.status.message || undefined,
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({
      name: event.name,
      timeMs: hrTimeToMilliseconds(event.time),
      attributes: { ...(event.attributes ?? {}) },
    })),
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
  };
}

export class RecentTraces implements SpanProcessor {
  // Ended spans are immutable, so they are kept as they are and turned into JSON only when
  // someone asks: the request path pays for a Map insert, not for a copy of every attribute.
  private readonly traces = new Map<string, ReadableSpan[]>();
  private limits: { maxTraces: number; maxSpans: number };
  private spanCount = 0;

  constructor(limits: { maxTraces: number; maxSpans: number }) {
    this.limits = limits;
  }

  /** Set by the instrumentation module from RECENT_TRACES_MAX and RECENT_TRACES_MAX_SPANS. */
  configure(limits: { maxTraces: number; maxSpans: number }): void {
    this.limits = limits;
  }

  /** Off: keep nothing (production, unless enabled). */
  get enabled(): boolean {
    return this.limits.maxTraces > 0;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (!this.enabled) return;
    const traceId = span.spanContext().traceId;
    const spans = this.traces.get(traceId);
    if (spans) {
      spans.push(span);
      // Re-insert: a trace that is still growing is not the oldest.
      this.traces.delete(traceId);
      this.traces.set(traceId, spans);
    } else {
      this.traces.set(traceId, [span]);
    }
    this.spanCount += 1;
    while (this.traces.size > this.limits.maxTraces || this.spanCount > this.limits.maxSpans) {
      const oldest = this.traces.keys().next().value;
      if (oldest === undefined) break;
      this.spanCount -= this.traces.get(oldest)?.length ?? 0;
      this.traces.delete(oldest);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** Newest first; a trace's root is its span without a parent here (the SERVER span). */
  list(filter: { route?: string; status?: 'ok' | 'error'; limit: number }): TraceSummary[] {
    const summaries: TraceSummary[] = [];
    for (const spans of [...this.traces.values()].reverse()) {
      // A trace is listed once its root (the span without a parent) has ended.
      const root = spans.find((s) => !s.parentSpanContext);
      if (!root) continue;
      const error = spans.some((s) => s.status.code === SpanStatusCode.ERROR);
      const route = root.attributes['http.route'] as string | undefined;
      if (filter.route && route !== filter.route) continue;
      if (filter.status && (filter.status === 'error') !== error) continue;
      summaries.push({
        traceId: root.spanContext().traceId,
        rootName: root.name,
        route,
        method: root.attributes['http.request.method'] as string | undefined,
        statusCode: root.attributes['http.response.status_code'] as number | undefined,
        error,
        startTime: new Date(hrTimeToMilliseconds(root.startTime)).toISOString(),
        durationMs: Math.round(hrTimeToMilliseconds(root.duration) * 1000) / 1000,
        spanCount: spans.length,
      });
      if (summaries.length >= filter.limit) break;
    }
    return summaries;
  }

  /** The span tree of one trace, children in start order; undefined when it is not (or no longer) kept. */
  tree(traceId: string): SpanNode[] | undefined {
    const readable = this.traces.get(traceId);
    if (!readable) return undefined;
    const spans = readable.map(toStored);
    const nodes = new Map(spans.map((s) => [s.spanId, { ...s, children: [] as SpanNode[] }]));
    const roots: SpanNode[] = [];
    for (const node of [...nodes.values()].sort((a, b) => a.startTime - b.startTime)) {
      const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return roots;
  }

  spans(traceId: string): StoredSpan[] {
    return (this.traces.get(traceId) ?? []).map(toStored);
  }
}

/**
 * The process-wide store. The instrumentation module (loaded with --import, before the app)
 * adds it to the tracer provider; the app serves it. Both import this module, so both see it.
 */
export const recentTraces = new RecentTraces({ maxTraces: 200, maxSpans: 20_000 });
