/**
 * Every drill the embedded default can run, solved on a real `npm start` the way a learner would:
 * start it, answer wrong first (refused, with a hint), read the requests since the start until a
 * trace shows a cause (test/helpers/drill-solver.ts), answer with that trace, read the debrief;
 * then no fault and no load is left running. The times each drill took are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drills } from '../../src/lab/drills/catalogue.ts';
import { findEvidence } from '../helpers/drill-solver.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';

const ADMIN_TOKEN = 'drill-admin-token-0123456789abcdef';

describe('incident drills on the embedded default', () => {
  let server: StartedServer;
  const took: Record<string, number> = {};

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
  const get = async (path: string) => (await call('GET', path)).json;

  beforeAll(async () => {
    server = await startServer({ ADMIN_TOKEN });
  }, 120_000);
  afterAll(async () => {
    console.log(`drills solved (seconds): ${JSON.stringify(took)}`);
    await server?.stop();
  });

  it('lists eight drills or more; the ones that need Neo4j cannot start here', async () => {
    const { json } = await call('GET', '/lab/drills');
    expect(json.drills.length).toBeGreaterThanOrEqual(8);
    const pending = json.drills.find((d: { id: string }) => d.id === 'graph-pending');
    expect(pending).toMatchObject({ runnable: false, needs: ['neo4j'] });
    const refused = await call('POST', '/lab/drills/graph-pending/start');
    expect(refused.status).toBe(409);
    expect(refused.json.type).toBe('/problems/drill-unavailable');
  });

  for (const drill of drills.filter((d) => d.id !== 'graph-pending')) {
    it(`solves "${drill.title}" from its evidence, after a wrong answer`, async () => {
      const since = Date.now();
      const started = await call('POST', `/lab/drills/${drill.id}/start`);
      expect(started.status).toBe(201);
      const runId = started.json.runId as string;
      // While a drill runs its faults are hidden, and the switches refuse to change.
      expect((await call('GET', '/lab/faults')).json.type).toBe('/problems/drill-running');
      const lease = setInterval(() => void call('POST', `/lab/drills/current/${runId}/lease`), 15_000);
      try {
        // A wrong cause first (Neo4j is not even in this lab), with any trace of the drill.
        let anyTrace: string | undefined;
        while (!anyTrace) {
          const { items } = await get('/debug/traces?limit=5');
          anyTrace = items.find((t: { startTime: string }) => Date.parse(t.startTime) >= since)?.traceId;
          if (!anyTrace) await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        const wrong = await call('POST', `/lab/drills/current/${runId}/answer`, {
          cause: 'neo4j-slow',
          traceId: anyTrace,
        });
        expect(wrong.json.correct).toBe(false);
        expect(wrong.json.drill.hints).toHaveLength(1);

        const excluded: string[] = [];
        let verdict: Record<string, any> = {};
        for (let attempt = 0; attempt < 3 && !verdict.correct; attempt++) {
          const evidence = await findEvidence(get, since, drill.causes, { excluded });
          verdict = (await call('POST', `/lab/drills/current/${runId}/answer`, evidence)).json;
          if (!verdict.correct) excluded.push(evidence.cause);
        }
        expect(verdict.correct, verdict.message).toBe(true);
        expect(verdict.drill.state).toBe('solved');
        expect(verdict.drill.debrief.evidence.found).toBeTruthy();
        expect(verdict.drill.debrief.path.length).toBeGreaterThanOrEqual(3);
        took[drill.id] = Math.round((Date.now() - since) / 1000);

        // Nothing left running: no fault, and no load request a moment after the end.
        expect((await call('GET', '/lab/faults')).json).toEqual({ faults: {} });
        const ended = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const { items } = await get('/debug/traces?limit=50');
        const after = items.filter(
          (t: { startTime: string; rootName: string }) =>
            Date.parse(t.startTime) > ended + 500 && !t.rootName.includes('/lab/'),
        );
        expect(after).toEqual([]);
      } finally {
        clearInterval(lease);
        const current = await call('GET', '/lab/drills/current');
        if (current.json.state === 'running') await call('DELETE', `/lab/drills/current/${runId}`);
      }
    }, 240_000);
  }
});
