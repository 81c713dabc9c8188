/**
 * The lab's fault switches over HTTP (LAB_MODE=1 and the admin token):
 *   GET /lab/faults, PUT /lab/faults/:target {latencyMs, errorRate}, DELETE /lab/faults[/:target]
 */
import { z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { defineRoute } from '../http/access.ts';
import { bodyProblems, createRouter, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { type Faults, faultTargets } from './faults.ts';

const FaultSchema = z
  .strictObject({
    latencyMs: z.number().int().min(0).max(30_000).default(0).openapi({ example: 500 }),
    errorRate: z.number().min(0).max(1).default(0).openapi({ example: 1 }),
  })
  .openapi('Fault');

const TargetParams = z.object({
  target: z.enum(faultTargets).openapi({ param: { name: 'target', in: 'path' } }),
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
  summary: 'Slow down or break every call to postgresql, neo4j or redis',
  request: { params: TargetParams, body: jsonBody(FaultSchema) },
  responses: { 200: jsonContent(FaultsSchema, 'Active faults'), ...problemResponses('invalid-token', ...bodyProblems) },
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

export function labRoutes(deps: { faults: Faults; logger: Logger }) {
  const { faults, logger } = deps;
  return createRouter()
    .openapi(list, (c) => c.json({ faults: faults.list() }, 200))
    .openapi(set, (c) => {
      const target = c.req.valid('param').target;
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
