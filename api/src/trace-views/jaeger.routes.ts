/**
 * GET /debug/jaeger/…: Jaeger's traces for the docs' trace viewer, read through the API (the
 * browser cannot call Jaeger: another origin, no CORS; and the native Jaeger has no UI at all).
 * Read-only, four operations, each turned into the lab's own shapes (jaeger-traces.ts):
 *   /services, /operations?service=  names only (service names and span names), open to all;
 *   /traces?…                        a search: everyone's with the admin token; with a user's
 *                                    token only the traces that user authenticated in
 *                                    (enduser.id, set by the authenticate step), or a 401;
 *   /traces/:traceId                 one span tree, open to whoever holds the 128-bit id, the
 *                                    same rule as /debug/traces/:traceId.
 * Without JAEGER_QUERY_URL every one answers 503 dependency-unavailable saying so, and the viewer
 * hides its Jaeger search.
 */
import { z } from '@hono/zod-openapi';
import { ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import { createRouter, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import { ATTR_ENDUSER_ID } from '../telemetry/attributes.ts';
import { untraced } from '../telemetry/tracing.ts';
import { traceIdParams } from './debug.routes.ts';
import type { JaegerQuery } from './jaeger-query.ts';
import { type JaegerTrace, jaegerTree, matchesCriteria, summarize, type TraceCriteria } from './jaeger-traces.ts';

const jaegerProblems = ['dependency-failed', 'dependency-unavailable', 'dependency-timeout'] as const;

/** The time ranges a search offers, as Jaeger's own search form does. */
export const LOOKBACKS = { '5m': 5, '15m': 15, '1h': 60, '6h': 360, '24h': 1440 } as const;
const DURATION = /^\d{1,9}(\.\d{1,3})?(us|ms|s|m|h)$/;
const TAG = String.raw`[A-Za-z0-9_.:/-]{1,100}=[^\s=]{1,200}`;
/** The service name Jaeger gives its own spans (stack/jaeger/jaeger.yaml, telemetry.resource). */
const JAEGER_OWN_SERVICE = 'jaeger';
/** How many of a user's own traces a user's search looks through. */
const OWN_TRACES_SCANNED = 100;
/** How many traces of each service a search by status looks through (the status is checked here). */
const STATUS_TRACES_SCANNED = 100;

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match?.[2] as 'ms'] ?? 1;
  return Number(match?.[1]) * factor;
}

const searchQuery = z.object({
  service: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'service', in: 'query' }, example: 'flowlab-api' }),
  operation: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'operation', in: 'query' }, example: 'POST /todos' }),
  status: z
    .enum(['ok', 'error'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  minDuration: z
    .string()
    .regex(DURATION, 'must be a duration such as 250ms or 1.5s')
    .optional()
    .openapi({ param: { name: 'minDuration', in: 'query' }, example: '100ms' }),
  maxDuration: z
    .string()
    .regex(DURATION, 'must be a duration such as 250ms or 1.5s')
    .optional()
    .openapi({ param: { name: 'maxDuration', in: 'query' }, example: '2s' }),
  tags: z
    .string()
    .regex(new RegExp(`^${TAG}( ${TAG}){0,9}$`), 'must be up to 10 key=value pairs separated by spaces')
    .optional()
    .openapi({ param: { name: 'tags', in: 'query' }, example: 'http.response.status_code=409' }),
  lookback: z
    .enum(Object.keys(LOOKBACKS) as [keyof typeof LOOKBACKS])
    .default('1h')
    .openapi({ param: { name: 'lookback', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

const summarySchema = z.record(z.string(), z.unknown());

const servicesRoute = defineRoute('public', {
  method: 'get',
  path: '/jaeger/services',
  operationId: 'listJaegerServices',
  tags: ['debug'],
  summary: 'The services Jaeger has traces of',
  responses: {
    200: jsonContent(z.object({ items: z.array(z.string()) }), 'Service names'),
    ...problemResponses(...jaegerProblems),
  },
});

const operationsRoute = defineRoute('public', {
  method: 'get',
  path: '/jaeger/operations',
  operationId: 'listJaegerOperations',
  tags: ['debug'],
  summary: "One service's span names",
  request: {
    query: z.object({
      service: z
        .string()
        .min(1)
        .max(200)
        .openapi({ param: { name: 'service', in: 'query' }, example: 'flowlab-api' }),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(z.object({ name: z.string(), spanKind: z.string() })) }),
      'Operations, by name',
    ),
    ...problemResponses('validation-failed', ...jaegerProblems),
  },
});

const searchRoute = defineRoute('viewer', {
  method: 'get',
  path: '/jaeger/traces',
  operationId: 'searchJaegerTraces',
  tags: ['debug'],
  summary:
    "Search Jaeger, newest first: everyone's traces (ADMIN_TOKEN), or those your access token authenticated in; every service unless `service` is given",
  request: { query: searchQuery },
  responses: {
    200: jsonContent(
      z.object({ scope: z.enum(['all', 'own']), items: z.array(summarySchema) }),
      'Trace summaries, newest first',
    ),
    ...problemResponses(...userProblems, 'validation-failed', ...jaegerProblems),
  },
});

const traceRoute = defineRoute('public', {
  method: 'get',
  path: '/jaeger/traces/{traceId}',
  operationId: 'getJaegerTrace',
  tags: ['debug'],
  summary: 'One trace from Jaeger, as the same span tree as /debug/traces/{traceId}',
  request: {
    params: traceIdParams,
  },
  responses: {
    200: jsonContent(
      z.object({ traceId: z.string(), services: z.array(z.string()), spans: z.array(summarySchema) }),
      'The trace',
    ),
    ...problemResponses('not-found', 'validation-failed', ...jaegerProblems),
  },
});

export interface JaegerRoutesOptions {
  /** Undefined when JAEGER_QUERY_URL is not set. */
  jaeger?: JaegerQuery;
  /** The API's own service name: the one whose spans carry enduser.id. */
  apiService: string;
  now?: () => number;
}

export function jaegerRoutes(options: JaegerRoutesOptions) {
  const now = options.now ?? Date.now;
  const jaeger = (): JaegerQuery => {
    if (options.jaeger) return options.jaeger;
    throw new ProblemError('dependency-unavailable', {
      detail:
        'No Jaeger is configured: start the API with JAEGER_QUERY_URL set to Jaeger’s query address (natively http://127.0.0.1:16686).',
      extensions: { dependency: 'jaeger' },
    });
  };
  // The viewer's own questions to Jaeger would otherwise be spans in Jaeger, each a new trace to list.
  const ask = <T>(work: (j: JaegerQuery) => Promise<T>) => {
    const client = jaeger();
    return untraced(() => work(client));
  };

  return createRouter()
    .openapi(servicesRoute, async (c) => c.json({ items: await ask((j) => j.services()) }, 200))
    .openapi(operationsRoute, async (c) => {
      const { service } = c.req.valid('query');
      const items = await ask((j) => j.operations(service));
      return c.json({ items: [...new Map(items.map((o) => [o.name, o])).values()] }, 200);
    })
    .openapi(searchRoute, async (c) => {
      const query = c.req.valid('query');
      const viewer = c.get('viewer');
      const userId = viewer.admin ? undefined : viewer.userId;
      const endMs = now();
      const startMs = endMs - LOOKBACKS[query.lookback] * 60_000;
      const tags = Object.fromEntries(
        (query.tags?.split(' ') ?? []).map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      );
      const criteria: TraceCriteria = {
        service: query.service,
        operation: query.operation,
        status: query.status,
        minDurationMs: query.minDuration ? durationMs(query.minDuration) : undefined,
        maxDurationMs: query.maxDuration ? durationMs(query.maxDuration) : undefined,
        tags,
      };
      const traces = await ask(async (j): Promise<JaegerTrace[]> => {
        if (userId !== undefined) {
          // Jaeger matches every criterion on ONE span, and enduser.id is on the authenticate span
          // only: so fetch the user's own traces by it, then apply the criteria here, Jaeger's way.
          const own = await j.findTraces({
            service: options.apiService,
            tags: { [ATTR_ENDUSER_ID]: String(userId) },
            startMs,
            endMs,
            limit: OWN_TRACES_SCANNED,
          });
          return own.filter((trace) => matchesCriteria(trace, criteria));
        }
        // "Every service" is the lab's: Jaeger traces its own query API too, and each search would
        // add to the list it shows. Asked for by name, its traces are there.
        const services = query.service
          ? [query.service]
          : (await j.services()).filter((name) => name !== JAEGER_OWN_SERVICE);
        // The status is checked here, not by Jaeger: its search takes `error=true` as a string tag
        // while its memory store compares a boolean, so it finds no failed span at all (Jaeger
        // 2.13; e2e/jaeger-routes.test.ts shows it). Jaeger is asked for more traces to filter.
        const found = await Promise.all(
          services.map((service) =>
            j.findTraces({
              service,
              operation: query.operation,
              tags,
              minDuration: query.minDuration,
              maxDuration: query.maxDuration,
              startMs,
              endMs,
              limit: query.status ? STATUS_TRACES_SCANNED : query.limit,
            }),
          ),
        );
        return found.flat().filter((trace) => !query.status || matchesCriteria(trace, criteria));
      });
      const byId = new Map(traces.map((trace) => [trace.traceID, trace]));
      const items = [...byId.values()]
        .map(summarize)
        .sort((a, b) => b.startTime.localeCompare(a.startTime))
        .slice(0, query.limit);
      return c.json({ scope: viewer.admin ? ('all' as const) : ('own' as const), items }, 200);
    })
    .openapi(traceRoute, async (c) => {
      const { traceId } = c.req.valid('param');
      const trace = await ask((j) => j.trace(traceId));
      if (!trace) throw new ProblemError('not-found', { detail: `Jaeger has no trace ${traceId}.` });
      const summary = summarize(trace);
      return c.json({ traceId, services: summary.services, spans: jaegerTree(trace) as never[] }, 200);
    });
}
