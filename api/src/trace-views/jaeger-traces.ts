/**
 * Jaeger's traces, in the lab's own shape: the span tree GET /debug/traces/:traceId serves
 * (SpanNode), so the docs' one waterfall draws a trace from Jaeger exactly as it draws one from
 * the recent-traces store. Jaeger's query API (/api/traces, the one its own UI reads) answers in
 * its legacy JSON: times in microseconds, attributes as typed `tags`, the span kind and the
 * OpenTelemetry status folded into tags, events as `logs`, the parent and the links as
 * `references`. This module unfolds them again; nothing here does I/O.
 */
import type { TraceSummary } from '../telemetry/recent-traces.ts';
import { flattenSpans, type SpanNode, spanTree } from './span-tree.ts';

export interface JaegerKeyValue {
  key: string;
  type?: string;
  value: unknown;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: JaegerKeyValue[];
  logs?: { timestamp: number; fields?: JaegerKeyValue[] }[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerKeyValue[] }>;
}

/** A trace as the search lists it: the recent-traces summary, plus the services it crossed. */
export interface JaegerTraceSummary extends TraceSummary {
  service: string;
  services: string[];
}

// Tags that are really fields of the OpenTelemetry span, put back where they belong.
const FOLDED_TAGS = new Set(['span.kind', 'otel.status_code', 'otel.status_description', 'error']);

function fields(list: JaegerKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value]));
}

function toNode(span: JaegerSpan, trace: JaegerTrace): SpanNode {
  const tags = fields(span.tags);
  const statusCode = String(tags['otel.status_code'] ?? '').toUpperCase();
  const error = statusCode === 'ERROR' || tags.error === true || tags.error === 'true';
  const parent = span.references?.find((r) => r.refType === 'CHILD_OF' && r.traceID === span.traceID);
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tags)) if (!FOLDED_TAGS.has(key)) attributes[key] = value;
  // Spans of several services share a trace (the web client, the API): say whose each one is.
  const service = trace.processes[span.processID]?.serviceName;
  if (service) attributes['service.name'] = service;
  return {
    traceId: span.traceID,
    spanId: span.spanID,
    parentSpanId: parent?.spanID,
    name: span.operationName,
    kind: String(tags['span.kind'] ?? 'internal').toUpperCase(),
    startTime: span.startTime / 1000,
    durationMs: span.duration / 1000,
    status: error ? 'error' : statusCode === 'OK' ? 'ok' : 'unset',
    statusMessage: (tags['otel.status_description'] as string | undefined) || undefined,
    attributes,
    events: (span.logs ?? []).map((log) => {
      const { event, ...rest } = fields(log.fields);
      return { name: String(event ?? 'log'), timeMs: log.timestamp / 1000, attributes: rest };
    }),
    links: (span.references ?? []).filter((r) => r !== parent).map((r) => ({ traceId: r.traceID, spanId: r.spanID })),
    children: [],
  };
}

/** The span tree of one Jaeger trace, children in start order (as the recent-traces view builds it). */
export function jaegerTree(trace: JaegerTrace): SpanNode[] {
  return spanTree(trace.spans.map((span) => toNode(span, trace)));
}

/** One line of the search results: the trace's first root span names it. */
export function summarize(trace: JaegerTrace): JaegerTraceSummary {
  const tree = jaegerTree(trace);
  const spans = flattenSpans(tree);
  const root = tree[0] ?? spans[0];
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.durationMs));
  const services = [...new Set(spans.map((s) => String(s.attributes['service.name'] ?? '')))].filter(Boolean);
  return {
    traceId: trace.traceID,
    rootName: root?.name ?? '(no spans)',
    route: root?.attributes['http.route'] as string | undefined,
    method: root?.attributes['http.request.method'] as string | undefined,
    statusCode: root?.attributes['http.response.status_code'] as number | undefined,
    error: spans.some((s) => s.status === 'error'),
    startTime: new Date(Number.isFinite(start) ? start : 0).toISOString(),
    durationMs: Number.isFinite(end - start) ? Math.round((end - start) * 1000) / 1000 : 0,
    spanCount: spans.length,
    service: String(root?.attributes['service.name'] ?? ''),
    services,
  };
}

/** What a search asks for; the same criteria Jaeger's own search form offers. */
export interface TraceCriteria {
  service?: string;
  operation?: string;
  status?: 'ok' | 'error';
  minDurationMs?: number;
  maxDurationMs?: number;
  tags: Record<string, string>;
}

/**
 * Jaeger's rule, applied here to traces already fetched: a trace matches when ONE of its spans
 * has the service, the operation, every tag (on the span, its process or one of its events) and
 * a duration in range. A user's search runs through this (their traces are fetched by their
 * enduser.id first), and so does every search by status, which Jaeger's cannot do. `status: error`
 * is one more property of that one span; `status: ok` means no span of the trace failed.
 */
export function matchesCriteria(trace: JaegerTrace, criteria: TraceCriteria): boolean {
  const spans = flattenSpans(jaegerTree(trace));
  if (criteria.status === 'ok' && spans.some((s) => s.status === 'error')) return false;
  const processTags = (span: JaegerSpan) => fields(trace.processes[span.processID]?.tags);
  return trace.spans.some((raw) => {
    const span = spans.find((s) => s.spanId === raw.spanID);
    if (!span) return false;
    if (criteria.service && span.attributes['service.name'] !== criteria.service) return false;
    if (criteria.operation && span.name !== criteria.operation) return false;
    if (criteria.status === 'error' && span.status !== 'error') return false;
    if (criteria.minDurationMs !== undefined && span.durationMs < criteria.minDurationMs) return false;
    if (criteria.maxDurationMs !== undefined && span.durationMs > criteria.maxDurationMs) return false;
    const all = { ...processTags(raw), ...fields(raw.tags) };
    return Object.entries(criteria.tags).every(
      ([key, value]) =>
        String(all[key]) === value || span.events.some((event) => String(event.attributes[key]) === value),
    );
  });
}
