/**
 * The browser's spans, received over OTLP/HTTP JSON and kept with the API's own in the
 * recent-traces store, so that with nothing but `npm start` one trace shows the click
 * (`todo add`), its fetch, the API's SERVER span and the steps beneath it.
 *
 * This is a lab convenience, not a collector: only spans whose resource says
 * service.name=flowlab-web are taken, every field is bounded, and only the attributes the web
 * client sends are kept (an allow list: a deny list always misses a name), URLs without their
 * query string or fragment. Who may send, and into which traces: browser-spans.routes.ts.
 * With the collector configured the web client sends there instead (see web-config.routes.ts).
 */
import { type HrTime, type SpanContext, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

export const BROWSER_SERVICE_NAME = 'flowlab-web';
/** Per request: a browser batch is at most 50 spans (web/src/telemetry/tracing.ts); room to spare. */
export const MAX_SPANS_PER_REQUEST = 200;
const MAX_ATTRIBUTES = 64;
const MAX_EVENTS = 32;
const MAX_STRING = 1024;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `must be ${length} hex digits`);
// OTLP JSON writes 64-bit integers as strings; numbers are accepted too.
const nanos = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]);

const anyValue = z
  .object({
    stringValue: z
      .string()
      .max(MAX_STRING * 8)
      .optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string().regex(/^-?\d{1,20}$/), z.number().int()]).optional(),
    doubleValue: z.number().optional(),
  })
  .loose();

const keyValues = z.array(z.object({ key: z.string().min(1).max(256), value: anyValue.optional() })).max(256);

const otlpSpan = z.object({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: z.union([hex(16), z.literal('')]).optional(),
  name: z.string().min(1).max(256),
  kind: z.number().int().min(0).max(5).optional(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: keyValues.optional(),
  events: z
    .array(z.object({ timeUnixNano: nanos, name: z.string().max(256), attributes: keyValues.optional() }))
    .max(256)
    .optional(),
  status: z
    .object({ code: z.number().int().min(0).max(2).optional(), message: z.string().max(256).optional() })
    .optional(),
});

export const OtlpTraceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValues.optional() }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z
                .object({ name: z.string().max(256).optional() })
                .loose()
                .optional(),
              spans: z.array(otlpSpan).max(MAX_SPANS_PER_REQUEST),
            }),
          )
          .max(32),
      }),
    )
    .max(8),
});

export type OtlpTraceRequest = z.infer<typeof OtlpTraceRequestSchema>;
type KeyValues = z.infer<typeof keyValues>;

/**
 * The attributes kept: the names the web client's spans carry (web/src/telemetry: its own
 * `flowlab.*`, the fetch and document-load instrumentations' OpenTelemetry HTTP names). Anything
 * else (url.query, user.id, client.ip, http.request.header.*, user_agent.original ...) is dropped.
 * Each kept key is this list's own string, never the request's.
 */
const ALLOWED_ATTRIBUTES = new Map(
  [
    'flowlab.ui.action',
    'flowlab.todo.id',
    'error.type',
    'http.request.method',
    'http.request.method_original',
    'http.response.status_code',
    'http.request.body.size',
    'http.response_content_length',
    'http.response_content_length_uncompressed',
    'server.address',
    'server.port',
    'url.full',
    'service.name',
    'service.version',
  ].map((key) => [key, key]),
);
/** Attributes holding a URL: kept without the query string or fragment (a search text is personal). */
const URL_ATTRIBUTES = new Set(['url.full']);

/**
 * A flat copy of a string: `slice` and `replace` may return a view that keeps the whole original
 * (8 KiB for 1 KiB kept) alive in V8; a round trip through a Buffer does not.
 */
function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function withoutQuery(value: string): string {
  const cut = value.search(/[?#]/);
  return cut === -1 ? value : value.slice(0, cut);
}

function toAttributes(values: KeyValues | undefined): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  let count = 0;
  for (const { key, value } of values ?? []) {
    const allowed = ALLOWED_ATTRIBUTES.get(key);
    if (!value || !allowed || count >= MAX_ATTRIBUTES) continue;
    let kept: string | number | boolean | undefined;
    if (value.stringValue !== undefined) {
      const text = URL_ATTRIBUTES.has(allowed) ? withoutQuery(value.stringValue) : value.stringValue;
      kept = copyOf(text.slice(0, MAX_STRING));
    } else if (value.boolValue !== undefined) kept = value.boolValue;
    else if (value.intValue !== undefined) kept = Number(value.intValue);
    else if (value.doubleValue !== undefined) kept = value.doubleValue;
    if (kept === undefined || (typeof kept === 'number' && !Number.isFinite(kept))) continue;
    attributes[allowed] = kept;
    count += 1;
  }
  return attributes;
}

function toHrTime(value: string | number): HrTime {
  const total = BigInt(value);
  return [Number(total / 1_000_000_000n), Number(total % 1_000_000_000n)];
}

function hrDuration(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanoseconds = end[1] - start[1];
  if (nanoseconds < 0) {
    seconds -= 1;
    nanoseconds += 1_000_000_000;
  }
  return seconds < 0 ? [0, 0] : [seconds, nanoseconds];
}

// OTLP's SpanKind counts from 1 (INTERNAL); the API's enum from 0.
const kinds: Record<number, SpanKind> = {
  1: SpanKind.INTERNAL,
  2: SpanKind.SERVER,
  3: SpanKind.CLIENT,
  4: SpanKind.PRODUCER,
  5: SpanKind.CONSUMER,
};
const statuses: Record<number, SpanStatusCode> = {
  0: SpanStatusCode.UNSET,
  1: SpanStatusCode.OK,
  2: SpanStatusCode.ERROR,
};

/**
 * Every browser span shares this one resource: the request's own resource attributes are read
 * for service.name and dropped, so a request's 8 KiB resource values are not kept by its spans.
 */
const BROWSER_RESOURCE = resourceFromAttributes({ 'service.name': BROWSER_SERVICE_NAME });
/** The scope names kept as they are; any other is stored as `unknown`. */
const KNOWN_SCOPES = new Map(
  [BROWSER_SERVICE_NAME, '@opentelemetry/instrumentation-fetch', '@opentelemetry/instrumentation-document-load'].map(
    (name) => [name, { name }],
  ),
);
const UNKNOWN_SCOPE = { name: 'unknown' };

export class ForeignServiceError extends Error {
  readonly index: number;
  constructor(index: number) {
    super(`resourceSpans.${index}: only spans of service.name=${BROWSER_SERVICE_NAME} are accepted`);
    this.index = index;
  }
}

/**
 * The request's spans as ReadableSpans, ready for the recent-traces store. Each keeps its
 * resource's service.name as an attribute too, so the span tree says which side a span is from.
 * Throws ForeignServiceError when a resource is not the web client.
 */
export function toReadableSpans(request: OtlpTraceRequest): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  request.resourceSpans.forEach((resourceSpans, index) => {
    const resourceAttributes = toAttributes(resourceSpans.resource?.attributes);
    if (resourceAttributes['service.name'] !== BROWSER_SERVICE_NAME) throw new ForeignServiceError(index);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scope = KNOWN_SCOPES.get(scopeSpans.scope?.name ?? '') ?? UNKNOWN_SCOPE;
      for (const span of scopeSpans.spans) {
        if (spans.length >= MAX_SPANS_PER_REQUEST) return;
        const startTime = toHrTime(span.startTimeUnixNano);
        const endTime = toHrTime(span.endTimeUnixNano);
        const traceId = copyOf(span.traceId);
        const spanContext: SpanContext = { traceId, spanId: copyOf(span.spanId), traceFlags: TraceFlags.SAMPLED };
        const parentSpanContext: SpanContext | undefined = span.parentSpanId
          ? { traceId, spanId: copyOf(span.parentSpanId), traceFlags: TraceFlags.SAMPLED, isRemote: false }
          : undefined;
        const events = (span.events ?? []).slice(0, MAX_EVENTS).map((event) => ({
          name: copyOf(event.name),
          time: toHrTime(event.timeUnixNano),
          attributes: toAttributes(event.attributes),
        }));
        spans.push({
          name: copyOf(span.name),
          kind: kinds[span.kind ?? 1] ?? SpanKind.INTERNAL,
          spanContext: () => spanContext,
          parentSpanContext,
          startTime,
          endTime,
          duration: hrDuration(startTime, endTime),
          status: {
            code: statuses[span.status?.code ?? 0] ?? SpanStatusCode.UNSET,
            message: span.status?.message === undefined ? undefined : copyOf(span.status.message),
          },
          attributes: { ...toAttributes(span.attributes), 'service.name': BROWSER_SERVICE_NAME },
          links: [],
          events,
          ended: true,
          resource: BROWSER_RESOURCE,
          instrumentationScope: scope,
          droppedAttributesCount: 0,
          droppedEventsCount: 0,
          droppedLinksCount: 0,
        });
      }
    }
  });
  return spans;
}
