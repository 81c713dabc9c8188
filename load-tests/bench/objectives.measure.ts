/**
 * How lib/slo.ts's objectives were measured: a measurement, not a test (it asserts nothing and
 * prints figures for a person to read). `npm run measure --workspace load-tests` runs it through
 * vitest only because the k6 harness needs vitest's module loader; `npm test` never collects it.
 * One server on PostgreSQL, Redis and Neo4j with the default scrypt cost and the create limit lifted
 * (this is a measurement, not a scenario); then (a) the harness, one VU: 100 lifecycles and 100
 * browses, per step p50/p95/p99; (b) autocannon, 8 s each: 10 connections on list, read and related,
 * 4 on create (unique titles).
 */
import autocannon from 'autocannon';
import { afterAll, beforeAll, it } from 'vitest';
import { type FullServer, startFullServer } from '../../api/test/helpers/full-server.ts';
import { loadScenario } from '../test/harness.ts';
import { percentile } from '../test/thresholds.ts';

let full: FullServer;

beforeAll(async () => {
  full = await startFullServer({ TODO_CREATE_LIMIT: '100000', PASSWORD_SCRYPT_LOG_N: '15' });
});
afterAll(async () => full?.stop());

async function loaded(name: string, options: autocannon.Options): Promise<void> {
  const result = await autocannon(options);
  const { p50, p97_5, p99 } = result.latency;
  console.log(
    `autocannon ${name}: ${result.requests.average} req/s p50=${p50} p97.5=${p97_5} p99=${p99} non-2xx=${result.non2xx}`,
  );
}

it('measures each step, alone and under load', async () => {
  const base = full.server.base;
  const run = await loadScenario('breakpoint.ts', { API_URL: base });
  run.setup();
  run.iterate('writers', 100);
  run.iterate('readers', 100, [1, 2, 3]);
  const byStep: Record<string, number[]> = {};
  for (const r of run.state.requests) {
    const step = r.tags.step ?? '?';
    byStep[step] = [...(byStep[step] ?? []), r.durationMs];
  }
  for (const [step, values] of Object.entries(byStep)) {
    const sorted = values.sort((a, b) => a - b);
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p).toFixed(1));
    console.log(`one VU ${step}: n=${sorted.length} p50=${p50} p95=${p95} p99=${p99}`);
  }
  const user = (run.data as { users: { token: string; seedIds: number[] }[] }).users[0];
  const headers = { authorization: `Bearer ${user?.token}`, 'content-type': 'application/json' };
  const id = user?.seedIds[0];
  for (const [name, path] of [
    ['list', '/todos?limit=20'],
    ['read', `/todos/${id}`],
    ['related', `/todos/${id}/related`],
  ] as const) {
    await loaded(`${name}, 10 connections`, { url: `${base}${path}`, connections: 10, duration: 8, headers });
  }
  let n = 0;
  await loaded('create, 4 connections', {
    url: `${base}/todos`,
    connections: 4,
    duration: 8,
    headers,
    requests: [
      { method: 'POST', setupRequest: (req) => ({ ...req, body: JSON.stringify({ title: `measure ${n++}` }) }) },
    ],
  });
}, 300_000);
