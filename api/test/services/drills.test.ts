/**
 * The drills whose causes live in Neo4j, on a real `npm start` with PostgreSQL, Redis and Neo4j:
 * solved as on the embedded default (test/helpers/drill-solver.ts), and nothing left running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drills } from '../../src/lab/drills/catalogue.ts';
import { adminClient, solveDrill } from '../helpers/drill-solver.ts';
import { type FullServer, startFullServer } from '../helpers/full-server.ts';

const ADMIN_TOKEN = 'drill-admin-token-services-0123456789';

describe('incident drills on PostgreSQL, Redis and Neo4j', () => {
  let full: FullServer;
  const call = adminClient(() => full.server.base, ADMIN_TOKEN);
  const took: Record<string, number> = {};

  beforeAll(async () => {
    full = await startFullServer({ LAB_MODE: '1', ADMIN_TOKEN });
  }, 120_000);
  afterAll(async () => {
    console.log(`drills solved on the services (seconds): ${JSON.stringify(took)}`);
    await full?.stop();
  });

  it('every drill can start here', async () => {
    const { json } = await call('GET', '/lab/drills');
    expect(json.drills.every((d: { runnable: boolean }) => d.runnable)).toBe(true);
  });

  for (const id of ['graph-pending', 'some-requests-fail']) {
    const drill = drills.find((d) => d.id === id);
    it(`solves "${drill?.title}"`, async () => {
      if (!drill) throw new Error(`no drill ${id}`);
      took[id] = await solveDrill(call, drill, (ok, what) => expect(ok, what).toBe(true));
    }, 300_000);
  }
});
