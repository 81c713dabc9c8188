/**
 * GET /healthz: the process is up (for a liveness probe; touches nothing else).
 * GET /readyz: every dependency answers (for a readiness probe and for learners);
 * a 503 problem names the failing dependency.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { DatabaseHandle } from '../db/database.ts';
import { problemResponse } from '../http/error-handler.ts';
import { createRouter, jsonContent, problemResponses } from '../http/openapi.ts';
import { ProblemError } from '../http/problem.ts';

const CHECK_TIMEOUT_MS = 2000;

const CheckSchema = z.object({
  status: z.enum(['up', 'down', 'disabled']),
  latencyMs: z.number().optional(),
  detail: z.string().optional(),
});

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process is up',
  responses: { 200: jsonContent(z.object({ status: z.literal('ok') }), 'The process is up') },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: each dependency answers',
  responses: {
    200: jsonContent(z.object({ status: z.literal('ready'), checks: z.record(z.string(), CheckSchema) }), 'Ready'),
    ...problemResponses(503),
  },
});

async function check(probe: () => Promise<void>): Promise<z.infer<typeof CheckSchema>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: { database: DatabaseHandle }) {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const checks = { postgresql: await check(deps.database.ping) };
      const down = Object.entries(checks).filter(([, result]) => result.status === 'down');
      if (down.length > 0) {
        return problemResponse(
          c,
          new ProblemError('dependency-unavailable', {
            detail: `Not ready: ${down.map(([name, result]) => `${name} is down (${result.detail})`).join('; ')}.`,
            extensions: { dependency: down[0]?.[0], checks },
          }),
        ) as never;
      }
      return c.json({ status: 'ready' as const, checks }, 200);
    });
}
