/**
 * A read-only client of Jaeger's query API (JAEGER_QUERY_URL), for the lab's trace views. The
 * browser cannot ask Jaeger itself (another origin, no CORS, and natively no UI to go to), so the
 * API asks for it: only the four GET paths below, each with a timeout and a cap on the answer's
 * size, and every failure named as the API's own problem (dependency: jaeger):
 *   Jaeger not reachable -> 503 dependency-unavailable; too slow -> 504 dependency-timeout;
 *   an error status, a redirect, an answer too large, not JSON or not of the shape below
 *   -> 502 dependency-failed. Redirects are not followed (the query URL is the one Jaeger), and
 *   Jaeger's own words never reach the client's `detail` (they are its, not the lab's).
 *
 * It reads the legacy JSON API (/api/services, /api/traces), the one Jaeger's own UI uses: Jaeger
 * v2 still serves it, and unlike /api/v3 its search takes tags, which the lab's search needs.
 */
import { z } from 'zod';
import { ProblemError } from '../errors/problem.ts';
import { askDependency } from './ask-dependency.ts';
import { type JaegerTrace, MAX_JAEGER_SPANS as SPANS_CHECKED } from './jaeger-traces.ts';

// The shapes the views read, checked before anything walks them: a field of another type would
// otherwise be a TypeError (a 500) deep in the span tree.
const keyValue = z.object({ key: z.string(), value: z.unknown() }).loose();
const jaegerSpan = z
  .object({
    traceID: z.string(),
    spanID: z.string(),
    operationName: z.string(),
    references: z
      .array(z.object({ refType: z.string(), traceID: z.string(), spanID: z.string() }).loose())
      .nullish()
      .transform((v) => v ?? undefined),
    startTime: z.number(),
    duration: z.number(),
    tags: z
      .array(keyValue)
      .nullish()
      .transform((v) => v ?? undefined),
    logs: z
      .array(
        z
          .object({
            timestamp: z.number(),
            fields: z
              .array(keyValue)
              .nullish()
              .transform((v) => v ?? undefined),
          })
          .loose(),
      )
      .nullish()
      .transform((v) => v ?? undefined),
    processID: z.string(),
  })
  .loose();
const jaegerTraceEnvelope = z
  .object({
    traceID: z.string(),
    spans: z.array(z.unknown()),
    processes: z.record(z.string(), z.object({ serviceName: z.string(), tags: z.array(keyValue).nullish() }).loose()),
  })
  .loose();
const shapes = {
  services: z.array(z.string()).nullable(),
  operations: z.array(z.object({ name: z.string(), spanKind: z.string() }).loose()).nullable(),
  traces: z.array(z.unknown()).nullable(),
};

export interface JaegerSearch {
  service: string;
  operation?: string;
  tags?: Record<string, string>;
  /** Jaeger's duration strings: 25ms, 1.5s. */
  minDuration?: string;
  maxDuration?: string;
  startMs: number;
  endMs: number;
  limit: number;
}

export interface JaegerQuery {
  services(): Promise<string[]>;
  operations(service: string): Promise<{ name: string; spanKind: string }[]>;
  findTraces(search: JaegerSearch): Promise<JaegerTrace[]>;
  /** Undefined when Jaeger does not have it (or no longer: its store is bounded). */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
}

export interface JaegerQueryOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The largest answer read, in bytes; a search of many big traces is cut off, not buffered. */
  maxBytes: number;
}

const dependency = { dependency: 'jaeger' };

export function createJaegerQuery(options: JaegerQueryOptions): JaegerQuery {
  const base = options.baseUrl.replace(/\/$/, '');

  async function get<T>(
    path: string,
    shape: z.ZodType<T>,
    params: Record<string, string> = {},
  ): Promise<T | undefined> {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const what = `GET ${path}`;
    const { status, text } = await askDependency({
      url,
      headers: { Accept: 'application/json' },
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      dependency: 'jaeger',
      unavailable: `Jaeger's query API at ${base} does not answer (is Jaeger running? npm run stack:up starts it).`,
      timedOut: `Jaeger did not answer ${what} within ${options.timeoutMs} ms.`,
      tooLarge: `Jaeger's answer to ${what} is larger than ${Math.round(options.maxBytes / 1024)} KiB: ask for fewer traces (limit) or a shorter time range.`,
    });
    if (status >= 300 && status < 400) {
      throw new ProblemError('dependency-failed', {
        detail: `Jaeger answered ${what} with a redirect (${status}), which the lab does not follow: set JAEGER_QUERY_URL to Jaeger's own query address.`,
        extensions: dependency,
      });
    }
    if (status === 404) return undefined;
    if (status < 200 || status >= 300) {
      // Jaeger's error text stays out of the answer: it is another program's words, of any size.
      throw new ProblemError('dependency-failed', {
        detail: `Jaeger refused ${what} with status ${status}.`,
        extensions: dependency,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new ProblemError('dependency-failed', {
        detail: `Jaeger answered ${what} with ${status} and a body that is not JSON.`,
        extensions: dependency,
        cause: error,
      });
    }
    const data = z.object({ data: shape }).safeParse(body);
    if (!data.success) throw notUnderstood(what);
    return data.data.data ?? undefined;
  }

  function notUnderstood(what: string): ProblemError {
    return new ProblemError('dependency-failed', {
      detail: `Jaeger's answer to ${what} is not the shape the lab reads (is JAEGER_QUERY_URL Jaeger's query API?).`,
      extensions: dependency,
    });
  }

  /** Each trace checked, and only its first SPANS_CHECKED spans kept: the views walk no more. */
  function traces(list: unknown[], what: string): JaegerTrace[] {
    return list.map((item) => {
      const envelope = jaegerTraceEnvelope.safeParse(item);
      if (!envelope.success) throw notUnderstood(what);
      const spans = z.array(jaegerSpan).safeParse(envelope.data.spans.slice(0, SPANS_CHECKED));
      if (!spans.success) throw notUnderstood(what);
      // The spans beyond the bound are counted, not read: the summary says how many there are.
      return {
        traceID: envelope.data.traceID,
        processes: envelope.data.processes as JaegerTrace['processes'],
        spans: spans.data as JaegerTrace['spans'],
        spanTotal: envelope.data.spans.length,
      };
    });
  }

  return {
    async services() {
      return ((await get('/api/services', shapes.services)) ?? []).sort();
    },
    async operations(service) {
      return (await get('/api/operations', shapes.operations, { service })) ?? [];
    },
    async findTraces(search) {
      const params: Record<string, string> = {
        service: search.service,
        // Jaeger's search takes microseconds since the epoch.
        start: String(Math.floor(search.startMs * 1000)),
        end: String(Math.ceil(search.endMs * 1000)),
        limit: String(search.limit),
      };
      if (search.operation) params.operation = search.operation;
      if (search.tags && Object.keys(search.tags).length > 0) params.tags = JSON.stringify(search.tags);
      if (search.minDuration) params.minDuration = search.minDuration;
      if (search.maxDuration) params.maxDuration = search.maxDuration;
      return traces((await get('/api/traces', shapes.traces, params)) ?? [], 'GET /api/traces');
    },
    async trace(traceId) {
      const path = `/api/traces/${encodeURIComponent(traceId)}`;
      const data = await get(path, shapes.traces);
      return data && data.length > 0 ? traces(data.slice(0, 1), `GET ${path}`)[0] : undefined;
    },
  };
}
