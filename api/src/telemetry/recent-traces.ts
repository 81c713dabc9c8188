/**
 * The recent-traces store: a span processor that keeps the last N traces in memory, so the
 * embedded lab and the docs can show a learner their own request without Jaeger.
 * Bounded three ways: at most `maxTraces` traces, `maxSpans` spans and about `maxBytes` bytes
 * in all; the oldest trace goes first. Ended spans are kept as the SDK made them and turned into
 * plain objects only when somebody reads them: every request pays for the store, few are read.
 * Off the request path: a span that ends is only queued, and filed (its trace found, the bounds
 * kept) once the request's own work is done, in the next turn of the event loop, or when somebody
 * reads the store (every reader files the queue first, so nothing ended is ever missing).
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
  // The scope's name too; the resource is the process's own, or the receiver's one constant.
  let bytes = 800 + span.name.length * 2 + (span.instrumentationScope?.name.length ?? 0) * 2;
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

/** Who reads: the admin (everything), a user (their own and unowned traces), or nobody known. */
export type TraceViewer = { admin: true } | { admin: false; userId?: number };

interface KeptTrace {
  spans: ReadableSpan[];
  bytes: number;
  /** Whose share of the store it counts against: `user:<id>` (its first owner), or `anonymous`. */
  bucket: string;
}

interface Bucket {
  /** Its traces, oldest first. */
  traces: Set<string>;
  spans: number;
  bytes: number;
}

const ANONYMOUS = 'anonymous';
/** Spans queued before they are filed at once: far more than a request makes, so a flood stays bounded. */
const MAX_QUEUED = 1024;
/** The most of each bound one user's traces may hold (the requests without a token share the rest). */
export const USER_SHARE = 1 / 4;
const share = (bound: number) => Math.max(1, Math.floor(bound * USER_SHARE));

export class RecentTraces implements SpanProcessor {
  private readonly traces = new Map<string, KeptTrace>();
  // Kept apart from the spans: authentication ends before the request's SERVER span does.
  private readonly owners = new Map<string, Set<number>>();
  /** Each owner's share: when the store is full, the largest share gives up its oldest trace. */
  private readonly buckets = new Map<string, Bucket>();
  private limits: RecentTracesLimits;
  private spanCount = 0;
  private byteCount = 0;
  /** The trace last appended to, so the end of the map. */
  private newest: string | undefined;
  /** Ended spans not filed yet (at most MAX_QUEUED: past it, they are filed at once). */
  private queued: ReadableSpan[] = [];
  private fileScheduled = false;

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
    this.queued.push(span);
    if (this.queued.length >= MAX_QUEUED) this.fileQueued();
    else if (!this.fileScheduled) {
      this.fileScheduled = true;
      setImmediate(this.fileQueued);
    }
  }

  /** Files the queued spans: every reader calls it first. */
  private readonly fileQueued = (): void => {
    this.fileScheduled = false;
    const queued = this.queued;
    if (queued.length === 0) return;
    this.queued = [];
    for (const span of queued) this.file(span);
  };

  private file(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const bytes = approximateBytes(span);
    let trace = this.traces.get(traceId);
    if (!trace) {
      const [owner] = this.owners.get(traceId) ?? [];
      trace = { spans: [], bytes: 0, bucket: owner === undefined ? ANONYMOUS : `user:${owner}` };
      this.traces.set(traceId, trace);
      this.bucket(trace.bucket).traces.add(traceId);
      this.newest = traceId;
    }
    const bucket = this.bucket(trace.bucket);
    if (traceId !== this.newest) {
      // (Re-)insert at the end, in the store and in its share: a trace that is still growing is not
      // the oldest. The spans of one request mostly end one after another, so most spans find their
      // trace at the end of both already.
      this.traces.delete(traceId);
      this.traces.set(traceId, trace);
      bucket.traces.delete(traceId);
      bucket.traces.add(traceId);
      this.newest = traceId;
    }
    trace.spans.push(span);
    trace.bytes += bytes;
    this.spanCount += 1;
    this.byteCount += bytes;
    bucket.spans += 1;
    bucket.bytes += bytes;
    this.evict(trace.bucket);
  }

  private bucket(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { traces: new Set(), spans: 0, bytes: 0 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * A user's share is at most a quarter of each bound (USER_SHARE): past it, their own oldest
   * trace goes. Then, while the store is over a bound, the share largest in that bound loses its
   * oldest trace: one caller's flood evicts its own traces, never a smaller share's.
   */
  private evict(grown: string): void {
    const own = this.buckets.get(grown);
    if (own && grown !== ANONYMOUS) {
      while (
        own.traces.size > 0 &&
        (own.traces.size > share(this.limits.maxTraces) ||
          own.spans > share(this.limits.maxSpans) ||
          own.bytes > share(this.limits.maxBytes))
      ) {
        const oldest = own.traces.values().next().value;
        if (oldest === undefined) break;
        this.drop(oldest);
      }
    }
    for (;;) {
      const measure: ((b: Bucket) => number) | undefined =
        this.traces.size > this.limits.maxTraces
          ? (b) => b.traces.size
          : this.spanCount > this.limits.maxSpans
            ? (b) => b.spans
            : this.byteCount > this.limits.maxBytes
              ? (b) => b.bytes
              : undefined;
      if (!measure) return;
      let largest: Bucket | undefined;
      for (const bucket of this.buckets.values()) if (!largest || measure(bucket) > measure(largest)) largest = bucket;
      const oldest = largest?.traces.values().next().value;
      if (oldest === undefined) return;
      this.drop(oldest);
    }
  }

  private drop(traceId: string): void {
    const trace = this.traces.get(traceId);
    if (!trace) return;
    if (traceId === this.newest) this.newest = undefined;
    this.traces.delete(traceId);
    this.owners.delete(traceId);
    this.spanCount -= trace.spans.length;
    this.byteCount -= trace.bytes;
    const bucket = this.buckets.get(trace.bucket);
    if (!bucket) return;
    bucket.traces.delete(traceId);
    bucket.spans -= trace.spans.length;
    bucket.bytes -= trace.bytes;
    if (bucket.traces.size === 0) this.buckets.delete(trace.bucket);
  }

  /** Notes that `userId` authenticated a request of this trace (a numeric id, nothing personal). */
  claim(traceId: string, userId: number): void {
    if (!this.enabled) return;
    this.fileQueued();
    const owners = this.owners.get(traceId) ?? new Set<number>();
    // A handful of users per trace at most (one browser action, one curl); more is an abuse.
    if (owners.size < 8) owners.add(userId);
    this.owners.delete(traceId);
    this.owners.set(traceId, owners);
    // A trace whose first spans ended before the claim moves from the anonymous share to its owner's.
    const trace = this.traces.get(traceId);
    if (trace && trace.bucket === ANONYMOUS) {
      const from = this.bucket(ANONYMOUS);
      from.traces.delete(traceId);
      from.spans -= trace.spans.length;
      from.bytes -= trace.bytes;
      if (from.traces.size === 0) this.buckets.delete(ANONYMOUS);
      trace.bucket = `user:${userId}`;
      const to = this.bucket(trace.bucket);
      to.traces.add(traceId);
      to.spans += trace.spans.length;
      to.bytes += trace.bytes;
    }
    // Claims for traces whose spans never arrive must not pile up either.
    // The owners of a trace still kept stay: without them, the trace would be open to anyone.
    if (this.owners.size > this.limits.maxTraces * 2) {
      for (const id of this.owners.keys()) {
        if (this.traces.has(id)) continue;
        this.owners.delete(id);
        if (this.owners.size <= this.limits.maxTraces * 2) break;
      }
    }
  }

  /** The user ids that authenticated in this trace (empty for a request without a token). */
  ownersOf(traceId: string): number[] {
    this.fileQueued();
    return [...(this.owners.get(traceId) ?? [])];
  }

  /** The owner rule: a trace with an authenticated request in it is its users' and the admin's. */
  canRead(traceId: string, viewer: TraceViewer): boolean {
    this.fileQueued();
    if (viewer.admin) return true;
    const owners = this.owners.get(traceId);
    return !owners || owners.size === 0 || (viewer.userId !== undefined && owners.has(viewer.userId));
  }

  /**
   * Why a browser's span may not join this store (the OTLP receiver's rule), or undefined when it
   * may: its trace must be new or the caller's own, and its span id new in it.
   */
  refusalFor(traceId: string, spanId: string, userId: number): string | undefined {
    this.fileQueued();
    const owners = this.owners.get(traceId);
    const trace = this.traces.get(traceId);
    if (owners?.has(userId))
      return trace?.spans.some((span) => span.spanContext().spanId === spanId)
        ? 'reuses a span id of the trace'
        : undefined;
    if (trace || (owners && owners.size > 0)) return 'joins a trace that is not yours';
    return undefined;
  }

  forceFlush(): Promise<void> {
    this.fileQueued();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.fileQueued();
    return Promise.resolve();
  }

  /**
   * Newest first; a trace's root is its span without a parent here (the SERVER span).
   * With `ownerId`, only the traces that user authenticated in; without, all (the admin's view).
   */
  list(filter: { route?: string; status?: 'ok' | 'error'; limit: number; ownerId?: number }): TraceSummary[] {
    this.fileQueued();
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
    this.fileQueued();
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
    this.fileQueued();
    return this.traces.get(traceId)?.spans.map(toStored);
  }
}

/**
 * The process-wide store. The instrumentation module (loaded with --import, before the app)
 * adds it to the tracer provider; the app serves it. Both import this module, so both see it.
 */
// The lab's defaults until the instrumentation module configures it (it does not when telemetry is off).
export const recentTraces = new RecentTraces(telemetrySettings({}).recentTraces);
