/**
 * GET /healthz: the process is up (for a liveness probe; touches nothing else).
 * GET /readyz: each dependency, up, down or disabled (for a readiness probe and for learners).
 * Only PostgreSQL is required: without it the API can do nothing, so /readyz is a 503 naming it.
 * Neo4j and Redis being down degrade the API (graph writes wait in the outbox, the cache is
 * bypassed) but every request still succeeds, so /readyz stays 200 and says "degraded".
 */
import { z } from '@hono/zod-openapi';
import type { Redis } from 'ioredis';
import type { DatabaseHandle } from '../db/database.ts';
import { ProblemError } from '../errors/problem.ts';
import type { GraphClient } from '../graph/neo4j.ts';
import { defineRoute } from '../http/access.ts';
import { problemResponse } from '../http/error-handler.ts';
import { createRouter, jsonContent, problemResponses } from '../http/openapi.ts';
import { untraced } from '../telemetry/tracing.ts';

const CHECK_TIMEOUT_MS = 2000;

const CheckSchema = z.object({
  status: z.enum(['up', 'down', 'disabled']),
  latencyMs: z.number().optional(),
  detail: z.string().optional(),
});

const healthz = defineRoute('public', {
  method: 'get',
  path: '/healthz',
  operationId: 'liveness',
  tags: ['health'],
  // Probes carry no credentials.
  summary: 'Liveness: the process is up',
  responses: { 200: jsonContent(z.object({ status: z.literal('ok') }), 'The process is up') },
});

const readyz = defineRoute('public', {
  method: 'get',
  path: '/readyz',
  operationId: 'readiness',
  tags: ['health'],
  summary: 'Readiness: each dependency answers',
  responses: {
    200: jsonContent(
      z.object({ status: z.enum(['ready', 'degraded']), checks: z.record(z.string(), CheckSchema) }),
      'Ready; degraded when an optional dependency (neo4j, redis) is down',
    ),
    ...problemResponses('dependency-unavailable'),
  },
});

/**
 * The innermost error's message: drizzle wraps driver errors in one whose message is the SQL,
 * and no SQL may reach a response.
 */
function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

async function check(probe: () => Promise<void>): Promise<z.infer<typeof CheckSchema>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      // Probes run every few seconds; tracing them would bury the requests worth looking at.
      untraced(probe),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', detail: rootCause(error) };
  } finally {
    clearTimeout(timer);
  }
}

const disabled = async (): Promise<z.infer<typeof CheckSchema>> => ({ status: 'disabled' });

export function healthRoutes(deps: { database: DatabaseHandle; graph?: GraphClient; redis?: Redis }) {
  const { database, graph, redis } = deps;
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const [postgresql, neo4j, redisCheck] = await Promise.all([
        check(database.ping),
        graph ? check(graph.ping) : disabled(),
        redis ? check(async () => void (await redis.ping())) : disabled(),
      ]);
      const checks = { postgresql, neo4j, redis: redisCheck };
      if (postgresql.status === 'down') {
        return problemResponse(
          c,
          new ProblemError('dependency-unavailable', {
            detail: `Not ready: postgresql is down (${postgresql.detail}).`,
            extensions: { dependency: 'postgresql', checks },
          }),
        ) as never;
      }
      const degraded = neo4j.status === 'down' || redisCheck.status === 'down';
      return c.json({ status: degraded ? ('degraded' as const) : ('ready' as const), checks }, 200);
    });
}
