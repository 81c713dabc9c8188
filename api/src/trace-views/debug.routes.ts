/**
 * GET /debug/traces and GET /debug/traces/:traceId: the recent-traces store, as JSON; a trace by
 * id carries its log lines from the recent-logs store, each under the span that wrote it.
 * The list needs a token: a user's access token lists the requests made with it (and the traces
 * linked to them: the outbox worker's), the admin token lists all. One trace by id follows the
 * owner rule: a trace with an authenticated request in it is its user's (and the admin's), a 404
 * for anyone else, since trace ids are public (exemplars on /metrics); a trace nobody
 * authenticated in (a 401, /healthz) is open to whoever holds its id, so a learner's curl without
 * a token can still be looked up.
 */
import { z } from '@hono/zod-openapi';
import { ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import type { Authenticate } from '../http/auth.ts';
import { createRouter, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import type { RecentLogs } from '../telemetry/recent-logs.ts';
import type { RecentTraces, TraceViewer } from '../telemetry/recent-traces.ts';
import { untraced } from '../telemetry/tracing.ts';
import { buildSpanTree, MAX_TREE_DEPTH } from './span-tree.ts';
import { withLogLines } from './trace-logs.ts';

const listTraces = defineRoute('viewer', {
  method: 'get',
  path: '/traces',
  operationId: 'listRecentTraces',
  tags: ['debug'],
  summary:
    "Recent traces, newest first: your own and the traces linked to them (access token), or everyone's (ADMIN_TOKEN)",
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

const TraceLinkSchema = z
  .object({
    traceId: z.string(),
    spanId: z.string(),
    spanName: z.string().optional(),
    localSpanId: z.string(),
  })
  .openapi('TraceLink');

const getTrace = defineRoute('public', {
  method: 'get',
  path: '/traces/{traceId}',
  operationId: 'getRecentTrace',
  tags: ['debug'],
  summary:
    "One trace's span tree, with timings, attributes, events and each span's log lines, and its links to other traces both ways: yours (access token), one nobody authenticated in, or any (ADMIN_TOKEN)",
  description:
    "linksTo: the traces this one links to (each span also lists its own `links`); linkedFrom: the kept spans of other traces that link to this one (the outbox worker's event span, to the request that wrote the event). Each entry: traceId and spanId of the other end, spanName when known, localSpanId of the span in this trace. Each span has `logs`, the log lines written while it was the active span; `logs` beside the tree holds the trace's lines whose span is not in it.",
  request: {
    params: traceIdParams,
  },
  responses: {
    200: jsonContent(
      z.object({
        traceId: z.string(),
        spans: z.array(z.record(z.string(), z.unknown())),
        logs: z.array(z.record(z.string(), z.unknown())),
        linksTo: z.array(TraceLinkSchema),
        linkedFrom: z.array(TraceLinkSchema),
      }),
      'The trace',
    ),
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
      const viewer = c.get('viewer');
      const ownerId = viewer.admin ? undefined : viewer.userId;
      if (!deps.traces.enabled) throw disabled();
      const items = deps.traces.list({ ...c.req.valid('query'), ownerId });
      return c.json({ items: items as unknown as Record<string, unknown>[] }, 200);
    })
    .openapi(getTrace, async (c) => {
      const viewer = await traceViewer(c.req.header('Authorization'), deps);
      if (!deps.traces.enabled) throw disabled();
      const { traceId } = c.req.valid('param');
      const kept = deps.traces.canRead(traceId, viewer) ? deps.traces.spans(traceId) : undefined;
      if (!kept) {
        throw new ProblemError('not-found', {
          detail: `Trace ${traceId} is not among the recent traces, or not yours: a trace with an authenticated request in it is read with that user's token.`,
        });
      }
      const tree = buildSpanTree(kept);
      if (tree.depth > MAX_TREE_DEPTH) {
        throw new ProblemError('validation-failed', {
          detail: tooDeep(tree.depth, `Trace ${traceId}`),
          errors: [{ path: 'traceId', message: `deeper than ${MAX_TREE_DEPTH} spans` }],
        });
      }
      const placed = withLogLines(tree.roots, deps.logs.ofTrace(traceId));
      return c.json(
        {
          traceId,
          spans: placed.spans as unknown as Record<string, unknown>[],
          logs: placed.unplaced as unknown as Record<string, unknown>[],
          ...deps.traces.links(traceId),
        },
        200,
      );
    });
}
