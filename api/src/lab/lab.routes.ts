/**
 * The lab's fault switches over HTTP (LAB_MODE=1 and the admin token):
 *   GET /lab/faults, PUT /lab/faults/:target {latencyMs, errorRate}, DELETE /lab/faults[/:target]
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  bearerSecurity,
  bodyProblems,
  createRouter,
  jsonBody,
  jsonContent,
  problemResponses,
} from '../http/openapi.ts';
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
const security = bearerSecurity;

const list = createRoute({
  method: 'get',
  path: '/faults',
  operationId: 'listFaults',
  tags,
  security,
  summary: 'The faults in effect',
  responses: { 200: jsonContent(FaultsSchema, 'Active faults'), ...problemResponses('invalid-token') },
});

const set = createRoute({
  method: 'put',
  path: '/faults/{target}',
  operationId: 'setFault',
  tags,
  security,
  summary: 'Slow down or break every call to postgresql, neo4j or redis',
  request: { params: TargetParams, body: jsonBody(FaultSchema) },
  responses: { 200: jsonContent(FaultsSchema, 'Active faults'), ...problemResponses('invalid-token', ...bodyProblems) },
});

const resetOne = createRoute({
  method: 'delete',
  path: '/faults/{target}',
  operationId: 'clearFault',
  tags,
  security,
  summary: "Clear one dependency's fault",
  request: { params: TargetParams },
  responses: {
    200: jsonContent(FaultsSchema, 'Active faults'),
    ...problemResponses('invalid-token', 'validation-failed'),
  },
});

const resetAll = createRoute({
  method: 'delete',
  path: '/faults',
  operationId: 'clearFaults',
  tags,
  security,
  summary: 'Clear every fault',
  responses: { 200: jsonContent(FaultsSchema, 'Active faults'), ...problemResponses('invalid-token') },
});

export function labRoutes(deps: { faults: Faults }) {
  const { faults } = deps;
  return createRouter()
    .openapi(list, (c) => c.json({ faults: faults.list() }, 200))
    .openapi(set, (c) => {
      faults.set(c.req.valid('param').target, c.req.valid('json'));
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
