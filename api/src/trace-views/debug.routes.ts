/**
 * GET /debug/traces and GET /debug/traces/:traceId: the recent-traces store, as JSON.
 * The list needs a token: a user's access token lists the requests made with it, the admin
 * token lists all. One trace by id follows the owner rule: a trace with an authenticated request
 * in it is its user's (and the admin's), a 404 for anyone else, since trace ids are public
 * (exemplars on /metrics); a trace nobody authenticated in (a 401, /healthz) is open to whoever
 * holds its id, so a learner's curl without a token can still be looked up.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ProblemError } from '../errors/problem.ts';
import type { Authenticate } from '../http/auth.ts';
import { bearerSecurity, createRouter, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import { MAX_TREE_DEPTH, type RecentTraces, type TraceViewer } from '../telemetry/recent-traces.ts';
import { untraced } from '../telemetry/tracing.ts';

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
  security: [{}, ...bearerSecurity],
  summary:
    "One trace's span tree, with timings, attributes and events: yours (access token) or one nobody authenticated in; any with ADMIN_TOKEN",
  request: {
    params: traceIdParams,
  },
  responses: {
    200: jsonContent(z.object({ traceId: z.string(), spans: z.array(z.record(z.string(), z.unknown())) }), 'The trace'),
    ...problemResponses(...userProblems, 'not-found', 'validation-failed'),
  },
});

/**
 * Who is asking for a trace by id: the admin, a user (a bad token is a 401, as everywhere), or
 * nobody. Shared by /debug/traces/{traceId} and /debug/jaeger/traces/{traceId}.
 */
export async function traceViewer(
  authorization: string | undefined,
  deps: { isAdmin: (authorization: string | undefined) => boolean; authenticate: Authenticate },
): Promise<TraceViewer> {
  if (deps.isAdmin(authorization)) return { admin: true };
  if (!authorization) return { admin: false };
  // The viewer's own lookup would otherwise be a trace of its own.
  return { admin: false, userId: (await untraced(() => deps.authenticate(authorization))).id };
}

/** A tree deeper than the views draw: refused, not a stack overflow in JSON.stringify. */
export function tooDeep(depth: number, whose: string): string {
  return `${whose} is ${depth} spans deep; the trace views draw at most ${MAX_TREE_DEPTH} levels.`;
}

export function debugRoutes(deps: {
  traces: RecentTraces;
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
    .openapi(getTrace, async (c) => {
      const viewer = await traceViewer(c.req.header('Authorization'), deps);
      if (!deps.traces.enabled) throw disabled();
      const { traceId } = c.req.valid('param');
      const tree = deps.traces.tree(traceId, viewer);
      if (!tree) {
        throw new ProblemError('not-found', {
          detail: `Trace ${traceId} is not among the recent traces, or not yours: a trace with an authenticated request in it is read with that user's token.`,
        });
      }
      if (tree.depth > MAX_TREE_DEPTH) {
        throw new ProblemError('validation-failed', {
          detail: tooDeep(tree.depth, `Trace ${traceId}`),
          errors: [{ path: 'traceId', message: `deeper than ${MAX_TREE_DEPTH} spans` }],
        });
      }
      return c.json({ traceId, spans: tree.roots as unknown as Record<string, unknown>[] }, 200);
    });
}
