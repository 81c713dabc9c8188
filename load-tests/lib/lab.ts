/**
 * The lab's own switches, for the drills: the fault switches (LAB_MODE=1 and ADMIN_TOKEN on the API,
 * the same ADMIN_TOKEN given to k6) and the graph's statistics (the outbox backlog, the breaker).
 */
import type { components } from '@flowlab/api/api-types';
import { check } from 'k6';
import { ADMIN_TOKEN } from './config.ts';
import { bodyJson, send } from './request.ts';

export function requireAdminToken(): void {
  if (!ADMIN_TOKEN)
    throw new Error('this drill needs the API admin token: k6 run -e ADMIN_TOKEN=... (and LAB_MODE=1 on the API)');
}

export function setFault(target: 'postgresql' | 'neo4j' | 'redis', fault: { latencyMs?: number; errorRate?: number }) {
  const { res } = send({
    step: 'admin',
    method: 'PUT',
    path: `/lab/faults/${target}`,
    route: '/lab/faults/:target',
    body: fault,
    token: ADMIN_TOKEN,
  });
  return check(res, { [`fault: ${target} switched on`]: (r) => r.status === 200 });
}

export function clearFaults(): boolean {
  const { res } = send({ step: 'admin', method: 'DELETE', path: '/lab/faults', token: ADMIN_TOKEN });
  return check(res, { 'fault: every switch off': (r) => r.status === 200 });
}

/** GET /graph/stats's answer, the API's own type (generated from its OpenAPI document). */
export type GraphStats = components['schemas']['GraphStats'];

/** GET /graph/stats, or undefined while the graph is unavailable (503 naming neo4j). */
export function graphStats(token: string): GraphStats | undefined {
  const { res } = send({ step: 'admin', method: 'GET', path: '/graph/stats', token, expected: [200, 503] });
  return res.status === 200 ? bodyJson<GraphStats>(res) : undefined;
}
