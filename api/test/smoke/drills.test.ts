/**
 * Every drill the embedded default can run, solved on a real `npm start` the way a learner would:
 * start it, answer wrong first (refused, with a hint), read the requests since the start until a
 * trace shows a cause (test/helpers/drill-solver.ts), answer with that trace, read the debrief;
 * then no fault and no load is left running. The times each drill took are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drills } from '../../src/lab/drills/catalogue.ts';
import { adminClient, solveDrill } from '../helpers/drill-solver.ts';
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
      took[drill.id] = await solveDrill(
        adminClient(() => server.base, ADMIN_TOKEN),
        drill,
        (ok, what) => expect(ok, what).toBe(true),
      );
    }, 240_000);
  }
});
