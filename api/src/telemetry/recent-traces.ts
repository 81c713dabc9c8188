/**
 * The recent-traces store: a span processor that keeps the last N traces in memory, so the
 * embedded lab and the docs can show a learner their own request without Jaeger.
 * Bounded three ways: at most `maxTraces` traces, `maxSpans` spans and about `maxBytes` bytes
 * in all; the oldest trace goes first. Ended spans are kept as the SDK made them and turned into
 * plain objects only when somebody reads them: every request pays for the store, few are read.
 * Served by GET /debug/traces and GET /debug/traces/:traceId (trace-views/debug.routes.ts).
 *
 * Each trace may have owners: the users whose token authenticated a request in it (`claim`).
 * The list shows a user only the traces they own, and the traces linked to one of theirs: the
 * outbox worker's `outbox drain` trace links to the request that wrote the event, so it is the
 * learner's too. A trace by id is open to whoever holds the id, with its links both ways
 * (`linksTo`, `linkedFrom`), so a viewer can follow them.
 */
import type { Attributes, Context } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type RecentTracesLimits, telemetrySettings } from '../config.ts';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from './attributes.ts';

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
  /** The traces this one links to (the worker's to the requests that wrote its events). */
  linksTo?: string[];
}

/** A link between two kept traces, seen from one of them. */
export interface TraceLink {
  /** The other trace. */
  traceId: string;
  /** The span there: the one linked to (linksTo), or the one whose link points here (linkedFrom). */
  spanId: string;
  /** That span's name, when the other trace is kept (linkedFrom always is). */
  spanName?: string;
  /** The span of this trace at this end of the link. */
  localSpanId: string;
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

/**
 * A rough size of a kept span, in bytes: enough to bound the store's memory, cheap to count.
 * About 800 bytes for the SDK span itself, then its strings (the measurement: bench/README.md,
 * "Recent traces").
 */
function approximateBytes(span: ReadableSpan): number {
  let bytes = 800 + span.name.length * 2;
  const add = (attributes: Attributes | undefined) => {
    for (const key in attributes) {
      const value = attributes[key];
      bytes += (key.length + (typeof value === 'string' ? value.length : 8)) * 2 + 32;
    }
  };
  add(span.attributes);
  for (const event of span.events) {
    bytes += 64 + event.name.length * 2;
    add(event.attributes);
  }
  return bytes + span.links.length * 100;
}

export type { RecentTracesLimits };

export class RecentTraces implements SpanProcessor {
  private readonly traces = new Map<string, { spans: ReadableSpan[]; bytes: number }>();
  // Kept apart from the spans: authentication ends before the request's SERVER span does.
  private readonly owners = new Map<string, Set<number>>();
  private limits: RecentTracesLimits;
  private spanCount = 0;
  private byteCount = 0;
  /** The trace last appended to, so the end of the map. */
  private newest: string | undefined;

  constructor(limits: RecentTracesLimits) {
    this.limits = limits;
  }

  /** Set by the instrumentation module from RECENT_TRACES_MAX, _MAX_SPANS and _MAX_BYTES (config.ts). */
  configure(limits: RecentTracesLimits): void {
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
    const bytes = approximateBytes(span);
    let trace = this.traces.get(traceId);
    if (!trace) {
      trace = { spans: [], bytes: 0 };
      this.traces.set(traceId, trace);
    } else if (traceId !== this.newest) {
      // (Re-)insert at the end: a trace that is still growing is not the oldest. The spans of one
      // request mostly end one after another, so most spans find their trace at the end already.
      this.traces.delete(traceId);
      this.traces.set(traceId, trace);
    }
    this.newest = traceId;
    trace.spans.push(span);
    trace.bytes += bytes;
    this.spanCount += 1;
    this.byteCount += bytes;
    while (
      this.traces.size > this.limits.maxTraces ||
      this.spanCount > this.limits.maxSpans ||
      this.byteCount > this.limits.maxBytes
    ) {
      const [oldest, evicted] = this.traces.entries().next().value ?? [];
      if (oldest === undefined || !evicted) break;
      this.spanCount -= evicted.spans.length;
      this.byteCount -= evicted.bytes;
      this.traces.delete(oldest);
      this.owners.delete(oldest);
    }
  }

  /** Notes that `userId` authenticated a request of this trace (a numeric id, nothing personal). */
  claim(traceId: string, userId: number): void {
    if (!this.enabled) return;
    const owners = this.owners.get(traceId) ?? new Set<number>();
    // A handful of users per trace at most (one browser action, one curl); more is an abuse.
    if (owners.size < 8) owners.add(userId);
    this.owners.delete(traceId);
    this.owners.set(traceId, owners);
    // Claims for traces whose spans never arrive must not pile up either.
    while (this.owners.size > this.limits.maxTraces * 2) {
      const oldest = this.owners.keys().next().value;
      if (oldest === undefined) break;
      this.owners.delete(oldest);
    }
  }

  /** The user ids that authenticated in this trace (empty for a request without a token). */
  ownersOf(traceId: string): number[] {
    return [...(this.owners.get(traceId) ?? [])];
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Newest first; a trace's root is its span without a parent here (the SERVER span).
   * With `ownerId`, only the traces that user authenticated in; without, all (the admin's view).
   */
  list(filter: { route?: string; status?: 'ok' | 'error'; limit: number; ownerId?: number }): TraceSummary[] {
    const summaries: TraceSummary[] = [];
    for (const [traceId, { spans }] of [...this.traces.entries()].reverse()) {
      const linksTo = [...new Set(spans.flatMap((s) => s.links.map((l) => l.context.traceId)))];
      if (filter.ownerId !== undefined && !this.isOwnedBy(traceId, linksTo, filter.ownerId)) continue;
      // A trace is listed once its root has ended: the span without a parent, or whose parent is
      // the caller's (a traceparent from the web front end or curl), so not a span of this process.
      const ended = spans.find((s) => !s.parentSpanContext || s.parentSpanContext.isRemote);
      if (!ended) continue;
      const root = toStored(ended);
      const error = spans.some((s) => s.status.code === SpanStatusCode.ERROR);
      const route = root.attributes[ATTR_HTTP_ROUTE] as string | undefined;
      if (filter.route && route !== filter.route) continue;
      if (filter.status && (filter.status === 'error') !== error) continue;
      summaries.push({
        traceId: root.traceId,
        rootName: root.name,
        route,
        method: root.attributes[ATTR_HTTP_REQUEST_METHOD] as string | undefined,
        statusCode: root.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] as number | undefined,
        error,
        startTime: new Date(root.startTime).toISOString(),
        durationMs: root.durationMs,
        spanCount: spans.length,
        ...(linksTo.length > 0 && { linksTo }),
      });
      if (summaries.length >= filter.limit) break;
    }
    return summaries;
  }

  /** A user's trace: they authenticated in it, or it links to one they did (the worker's, to their request). */
  private isOwnedBy(traceId: string, linksTo: string[], ownerId: number): boolean {
    if (this.owners.get(traceId)?.has(ownerId)) return true;
    return linksTo.some((linked) => linked !== traceId && this.owners.get(linked)?.has(ownerId));
  }

  /**
   * A trace's links both ways: its spans' links to other traces, and the kept spans elsewhere that
   * link to it. The second reads every kept span (bounded by maxSpans), only when somebody asks.
   */
  links(traceId: string): { linksTo: TraceLink[]; linkedFrom: TraceLink[] } {
    const linksTo: TraceLink[] = [];
    const linkedFrom: TraceLink[] = [];
    const nameOf = (otherTrace: string, spanId: string) =>
      this.traces.get(otherTrace)?.spans.find((s) => s.spanContext().spanId === spanId)?.name;
    for (const [otherTrace, { spans }] of this.traces) {
      for (const span of spans) {
        for (const link of span.links) {
          const target = link.context;
          if (otherTrace === traceId && target.traceId !== traceId) {
            const spanName = nameOf(target.traceId, target.spanId);
            linksTo.push({
              traceId: target.traceId,
              spanId: target.spanId,
              ...(spanName && { spanName }),
              localSpanId: span.spanContext().spanId,
            });
          } else if (otherTrace !== traceId && target.traceId === traceId) {
            linkedFrom.push({
              traceId: otherTrace,
              spanId: span.spanContext().spanId,
              spanName: span.name,
              localSpanId: target.spanId,
            });
          }
        }
      }
    }
    return { linksTo, linkedFrom };
  }

  /**
   * One trace's spans as plain objects; undefined when it is not (or no longer) kept.
   * The lab's views (trace-views/span-tree.ts) make the tree.
   */
  spans(traceId: string): StoredSpan[] | undefined {
    return this.traces.get(traceId)?.spans.map(toStored);
  }
}

/**
 * The process-wide store. The instrumentation module (loaded with --import, before the app)
 * adds it to the tracer provider; the app serves it. Both import this module, so both see it.
 */
// The lab's defaults until the instrumentation module configures it (it does not when telemetry is off).
export const recentTraces = new RecentTraces(telemetrySettings({}).recentTraces);
