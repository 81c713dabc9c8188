/** GET /debug/traces and GET /debug/traces/:traceId: the recent-traces store, as JSON. */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, jsonContent, problemResponses } from '../http/openapi.ts';
import { ProblemError } from '../http/problem.ts';
import type { RecentTraces } from './recent-traces.ts';

const listTraces = createRoute({
  method: 'get',
  path: '/traces',
  operationId: 'listRecentTraces',
  tags: ['debug'],
  security: [],
  summary: 'Recent traces, newest first',
  request: {
    query: z.object({
      route: z
        .string()
        .max(200)
        .optional()
        .openapi({ param: { name: 'route', in: 'query' }, example: '/todos/:id' }),
      status: z
        .enum(['ok', 'error'])
        .optional()
        .openapi({ param: { name: 'status', in: 'query' } }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(200)
        .default(50)
        .openapi({ param: { name: 'limit', in: 'query' } }),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), 'Trace summaries'),
    ...problemResponses(404, 422),
  },
});

const getTrace = createRoute({
  method: 'get',
  path: '/traces/{traceId}',
  operationId: 'getRecentTrace',
  tags: ['debug'],
  security: [],
  summary: "One trace's span tree, with timings, attributes and events",
  request: {
    params: z.object({
      traceId: z
        .string()
        .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters')
        .openapi({ param: { name: 'traceId', in: 'path' } }),
    }),
  },
  responses: {
    200: jsonContent(z.object({ traceId: z.string(), spans: z.array(z.record(z.string(), z.unknown())) }), 'The trace'),
    ...problemResponses(404, 422),
  },
});

export function debugRoutes(deps: { traces: RecentTraces }) {
  const disabled = () =>
    new ProblemError('not-found', {
      detail: 'The recent-traces view is off (RECENT_TRACES_MAX=0, the production default), or telemetry is disabled.',
    });
  return createRouter()
    .openapi(listTraces, (c) => {
      if (!deps.traces.enabled) throw disabled();
      return c.json({ items: deps.traces.list(c.req.valid('query')) as unknown as Record<string, unknown>[] }, 200);
    })
    .openapi(getTrace, (c) => {
      if (!deps.traces.enabled) throw disabled();
      const { traceId } = c.req.valid('param');
      const spans = deps.traces.tree(traceId);
      if (!spans) throw new ProblemError('not-found', { detail: `Trace ${traceId} is not among the recent traces.` });
      return c.json({ traceId, spans: spans as unknown as Record<string, unknown>[] }, 200);
    });
}
