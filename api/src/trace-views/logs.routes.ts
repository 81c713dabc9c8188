/**
 * GET /debug/logs: a search of the API's log lines, for the docs' log search.
 *   source=recent        (the default) the recent-logs store: the last lines in the API's memory;
 *   source=victorialogs  VictoriaLogs (VICTORIALOGS_URL), where the collector sends every line: the
 *                        lines that have left the store. Without it, 503 dependency-unavailable.
 * Filters: level (that level and above), route, status (of a request line), text (in the message;
 * in the store also in a field's value), traceId, and a time range (from, to; VictoriaLogs is
 * asked for the last hour unless told). Scoped like traces (trace-owners.ts): a user's token finds
 * the lines of the traces that user authenticated in, the admin token every line.
 */
import { z } from '@hono/zod-openapi';
import { ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import { createRouter, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import type { RecentLogs } from '../telemetry/recent-logs.ts';
import { untraced } from '../telemetry/tracing.ts';
import { readableBy, type TraceOwners } from './trace-owners.ts';
import type { VictoriaLogsQuery } from './victorialogs-query.ts';

const SEVERITY = { info: 9, warn: 13, error: 17 } as const;
/** The widest time range one search may cover, and VictoriaLogs' default one. */
const MAX_RANGE_MS = 7 * 24 * 3_600_000;
const DEFAULT_RANGE_MS = 3_600_000;

const searchQuery = z
  .object({
    source: z
      .enum(['recent', 'victorialogs'])
      .default('recent')
      .openapi({ param: { name: 'source', in: 'query' } }),
    level: z
      .enum(['info', 'warn', 'error'])
      .optional()
      .openapi({ param: { name: 'level', in: 'query' }, description: 'This level and above' }),
    route: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ param: { name: 'route', in: 'query' }, example: '/todos/:id' }),
    status: z.coerce
      .number()
      .int()
      .min(100)
      .max(599)
      .optional()
      .openapi({ param: { name: 'status', in: 'query' }, example: 409 }),
    text: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ param: { name: 'text', in: 'query' }, example: 'request failed' }),
    traceId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters')
      .optional()
      .openapi({ param: { name: 'traceId', in: 'query' } }),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ param: { name: 'from', in: 'query' }, example: '2026-01-01T10:00:00Z' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ param: { name: 'to', in: 'query' }, example: '2026-01-01T11:00:00Z' }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .openapi({ param: { name: 'limit', in: 'query' } }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'must not be after to',
    path: ['from'],
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_MS, {
    message: 'the range from..to must be 7 days or shorter',
    path: ['to'],
  });

const logLine = z.object({
  time: z.number().openapi({ description: 'Milliseconds since the epoch' }),
  level: z.string(),
  severity: z.number().openapi({ description: "OpenTelemetry's severity number: 9 info, 13 warn, 17 error" }),
  message: z.string(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  fields: z.record(z.string(), z.unknown()),
});

const searchRoute = defineRoute('viewer', {
  method: 'get',
  path: '/logs',
  operationId: 'searchLogs',
  tags: ['debug'],
  summary:
    'Search log lines, newest first, in the recent-logs store or VictoriaLogs: your own traces’ (access token), or all (ADMIN_TOKEN)',
  request: { query: searchQuery },
  responses: {
    200: jsonContent(
      z.object({
        source: z.enum(['recent', 'victorialogs']),
        scope: z.enum(['all', 'own']),
        items: z.array(logLine),
      }),
      'Log lines, newest first',
    ),
    ...problemResponses(
      ...userProblems,
      'not-found',
      'validation-failed',
      'dependency-failed',
      'dependency-unavailable',
      'dependency-timeout',
    ),
  },
});

export interface LogRoutesOptions {
  logs: RecentLogs;
  owners: TraceOwners;
  /** Undefined when VICTORIALOGS_URL is not set. */
  victoriaLogs?: VictoriaLogsQuery;
  now?: () => number;
}

export function logRoutes(options: LogRoutesOptions) {
  const now = options.now ?? Date.now;
  return createRouter().openapi(searchRoute, async (c) => {
    const query = c.req.valid('query');
    const viewer = c.get('viewer');
    const scope = viewer.admin ? ('all' as const) : ('own' as const);
    const fromMs = query.from ? Date.parse(query.from) : undefined;
    const toMs = query.to ? Date.parse(query.to) : undefined;

    if (query.source === 'victorialogs') {
      const victoriaLogs = options.victoriaLogs;
      if (!victoriaLogs) {
        throw new ProblemError('dependency-unavailable', {
          detail:
            'No VictoriaLogs is configured: start the API with VICTORIALOGS_URL set to its address (natively http://127.0.0.1:9428).',
          extensions: { dependency: 'victorialogs' },
        });
      }
      const endMs = toMs ?? now();
      // A from without a to, or neither: at most the widest range back from the end.
      const startMs = Math.max(fromMs ?? endMs - DEFAULT_RANGE_MS, endMs - MAX_RANGE_MS, 0);
      // The search's own request to VictoriaLogs would otherwise be a span of the viewer's trace.
      const items = await untraced(() =>
        victoriaLogs.search({
          level: query.level,
          route: query.route,
          status: query.status,
          text: query.text,
          traceId: query.traceId,
          ownerId: viewer.admin ? undefined : viewer.userId,
          startMs,
          endMs,
          limit: query.limit,
        }),
      );
      return c.json({ source: 'victorialogs' as const, scope, items }, 200);
    }

    if (!options.logs.enabled()) {
      throw new ProblemError('not-found', {
        detail: 'The recent-logs view is off (RECENT_TRACES_MAX=0, the production default), or telemetry is disabled.',
      });
    }
    const items = options.logs.search({
      minSeverity: query.level ? SEVERITY[query.level] : undefined,
      route: query.route,
      status: query.status,
      text: query.text,
      traceId: query.traceId,
      fromMs,
      toMs,
      limit: query.limit,
      visible: readableBy(viewer, options.owners),
    });
    return c.json({ source: 'recent' as const, scope, items }, 200);
  });
}
