/**
 * The lab's fault switches over HTTP (LAB_MODE=1 and the admin token):
 *   GET /lab/faults, PUT /lab/faults/:target {latencyMs, errorRate}, DELETE /lab/faults[/:target]
 * `postgresql` and `cache` work in every lab, the embedded default included; `redis` and `neo4j`
 * only where the API runs with them: elsewhere a switch would be accepted and do nothing, so it
 * is refused (409, fault-target-absent) with what to start instead.
 */
import { z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import { bodyProblems, createRouter, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { type Faults, type FaultTarget, faultTargets } from './faults.ts';

const FaultSchema = z
  .strictObject({
    latencyMs: z.number().int().min(0).max(30_000).default(0).openapi({ example: 500 }),
    errorRate: z.number().min(0).max(1).default(0).openapi({ example: 1 }),
  })
  .openapi('Fault');

const TargetParams = z.object({
  target: z.enum(faultTargets).openapi({
    param: { name: 'target', in: 'path' },
    description:
      'postgresql: every database call (PostgreSQL, or the embedded PGlite). cache: every cache call (Redis, or the in-process cache). redis: every Redis call (cache and rate limits; needs REDIS_URL). neo4j: every graph call (needs NEO4J_URI).',
  }),
});

const FaultsSchema = z.object({ faults: z.record(z.string(), FaultSchema) }).openapi('Faults');
const tags = ['lab'];

const list = defineRoute('admin', {
  method: 'get',
  path: '/faults',
  operationId: 'listFaults',
  tags,
  summary: 'The faults in effect',
  responses: { 200: jsonContent(FaultsSchema, 'Active faults'), ...problemResponses('invalid-token') },
});

const set = defineRoute('admin', {
  method: 'put',
  path: '/faults/{target}',
  operationId: 'setFault',
  tags,
  summary: 'Slow down or break every call to the database, the cache, Redis or Neo4j',
  description:
    'latencyMs is added before each call; errorRate is the share of calls that fail. A failed database call answers 500 (with its requestId); a failed cache call is bypassed (flowlab.cache.outcome=bypass); failed graph calls open the circuit breaker. A target the API runs without (redis without REDIS_URL, neo4j without NEO4J_URI) is refused with 409.',
  request: { params: TargetParams, body: jsonBody(FaultSchema) },
  responses: {
    200: jsonContent(FaultsSchema, 'Active faults'),
    ...problemResponses('invalid-token', 'fault-target-absent', ...bodyProblems),
  },
});

const resetOne = defineRoute('admin', {
  method: 'delete',
  path: '/faults/{target}',
  operationId: 'clearFault',
  tags,
  summary: "Clear one dependency's fault",
  request: { params: TargetParams },
  responses: {
    200: jsonContent(FaultsSchema, 'Active faults'),
    ...problemResponses('invalid-token', 'validation-failed'),
  },
});

const resetAll = defineRoute('admin', {
  method: 'delete',
  path: '/faults',
  operationId: 'clearFaults',
  tags,
  summary: 'Clear every fault',
  responses: { 200: jsonContent(FaultsSchema, 'Active faults'), ...problemResponses('invalid-token') },
});

/** The targets this API really calls: the database and the cache always, Redis and Neo4j when configured. */
export function faultTargetsOf(deps: { redis?: unknown; graph?: unknown }): FaultTarget[] {
  return [
    'postgresql',
    'cache',
    ...(deps.redis ? (['redis'] as const) : []),
    ...(deps.graph ? (['neo4j'] as const) : []),
  ];
}

/** What to set to give the lab a dependency it runs without. */
const howToAdd: Partial<Record<FaultTarget, string>> = {
  redis: 'REDIS_URL=redis://127.0.0.1:6379 (after npm run stack:up)',
  neo4j: 'NEO4J_URI=bolt://127.0.0.1:7687 (after npm run stack:up)',
};

export function labRoutes(deps: { faults: Faults; logger: Logger; targets: readonly FaultTarget[] }) {
  const { faults, logger, targets } = deps;
  return createRouter()
    .openapi(list, (c) => c.json({ faults: faults.list() }, 200))
    .openapi(set, (c) => {
      const target = c.req.valid('param').target;
      if (!targets.includes(target)) {
        throw new ProblemError('fault-target-absent', {
          detail: `This API runs without ${target}, so a ${target} fault would change nothing. Start it with ${howToAdd[target] ?? target}, or use a target it has: ${targets.join(', ')}.`,
          extensions: { dependency: target, targets },
        });
      }
      faults.set(target, c.req.valid('json'));
      // Loud on purpose: a fault left on looks like an outage to whoever reads the logs next.
      logger.warn({ target, faults: faults.list() }, `lab fault switched on for ${target}`);
      return c.json({ faults: faults.list() }, 200);
    })
    .openapi(resetOne, (c) => {
      faults.reset(c.req.valid('param').target);
      return c.json({ faults: faults.list() }, 200);
    })
    .openapi(resetAll, (c) => {
      faults.reset();
      return c.json({ faults: faults.list() }, 200);
    });
}
