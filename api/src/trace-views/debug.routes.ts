/**
 * GET /debug/traces and GET /debug/traces/:traceId: the recent-traces store, as JSON; a trace by
 * id carries its log lines from the recent-logs store, each under the span that wrote it.
 * The list needs a token: a user's access token lists the requests made with it, the admin
 * token lists all. One trace by id is open to whoever holds its 128-bit id (it came back in their
 * own response's traceresponse, or they chose it in a traceparent), so a 401 can be looked up too.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ProblemError } from '../errors/problem.ts';
import type { Authenticate } from '../http/auth.ts';
import { bearerSecurity, createRouter, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import type { RecentLogs } from '../telemetry/recent-logs.ts';
import type { RecentTraces } from '../telemetry/recent-traces.ts';
import { untraced } from '../telemetry/tracing.ts';
import { withLogLines } from './trace-logs.ts';

const listTraces = createRoute({
  method: 'get',
  path: '/traces',
  operationId: 'listRecentTraces',
  tags: ['debug'],
  summary: "Recent traces, newest first: your own (access token), or everyone's (ADMIN_TOKEN)",
  security: bearerSecurity,
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
    ...problemResponses(...userProblems, 'not-found', 'validation-failed'),
  },
});

/** A W3C trace id in the path, as `traceresponse` gives it: /debug/traces/{traceId} and Jaeger's. */
export const traceIdParams = z.object({
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters')
    .openapi({ param: { name: 'traceId', in: 'path' } }),
});

const getTrace = createRoute({
  method: 'get',
  path: '/traces/{traceId}',
  operationId: 'getRecentTrace',
  tags: ['debug'],
  security: [],
  summary: "One trace's span tree, with timings, attributes, events and each span's log lines",
  request: {
    params: traceIdParams,
  },
  responses: {
    200: jsonContent(
      z.object({
        traceId: z.string(),
        spans: z.array(z.record(z.string(), z.unknown())).openapi({
          description: 'The span tree; each span has `logs`, the log lines written while it was the active span',
        }),
        logs: z
          .array(z.record(z.string(), z.unknown()))
          .openapi({ description: "The trace's log lines whose span is not in the tree" }),
      }),
      'The trace',
    ),
    ...problemResponses('not-found', 'validation-failed'),
  },
});

export function debugRoutes(deps: {
  traces: RecentTraces;
  logs: RecentLogs;
  isAdmin: (authorization: string | undefined) => boolean;
  authenticate: Authenticate;
}) {
  const disabled = () =>
    new ProblemError('not-found', {
      detail: 'The recent-traces view is off (RECENT_TRACES_MAX=0, the production default), or telemetry is disabled.',
    });
  return createRouter()
    .openapi(listTraces, async (c) => {
      const authorization = c.req.header('Authorization');
      // The viewer's own lookup would otherwise be a trace of its own (PGlite's spans need no parent).
      const ownerId = deps.isAdmin(authorization)
        ? undefined
        : (await untraced(() => deps.authenticate(authorization))).id;
      if (!deps.traces.enabled) throw disabled();
      const items = deps.traces.list({ ...c.req.valid('query'), ownerId });
      return c.json({ items: items as unknown as Record<string, unknown>[] }, 200);
    })
    .openapi(getTrace, (c) => {
      if (!deps.traces.enabled) throw disabled();
      const { traceId } = c.req.valid('param');
      const spans = deps.traces.tree(traceId);
      if (!spans) throw new ProblemError('not-found', { detail: `Trace ${traceId} is not among the recent traces.` });
      const placed = withLogLines(spans, deps.logs.ofTrace(traceId));
      return c.json(
        {
          traceId,
          spans: placed.spans as unknown as Record<string, unknown>[],
          logs: placed.unplaced as unknown as Record<string, unknown>[],
        },
        200,
      );
    });
}
