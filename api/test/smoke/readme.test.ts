/**
 * The curl walk-through (docs/src/content/docs/reference/curl.md), run exactly as written against `npm start` (only the port
 * changes), checking the status that each step promises: twice, as a learner may run it again
 * after other requests made todos of their own (it reads its todo's id from Location).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadmeWalkthrough } from '../helpers/readme-walkthrough.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';

describe('the curl walk-through', () => {
  let server: StartedServer;

  beforeAll(async () => {
    server = await startServer();
  }, 60_000);
  afterAll(async () => server?.stop());

  it('gives, step by step, the status each comment promises, every time it is run', async () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const { promised, received, stdout } = await runReadmeWalkthrough(`http://127.0.0.1:${server.port}`);
      expect(promised.length).toBeGreaterThanOrEqual(14);
      expect(received, `run ${attempt}`).toEqual(promised);
      // What the learner is told to look at is really there.
      expect(stdout).toMatch(/^location: \/todos\/\d+\r?$/im);
      expect(stdout).toMatch(/^www-authenticate: Bearer realm="flowlab"\r?$/im);
      expect(stdout).toMatch(/^retry-after: \d+\r?$/im);
      expect(stdout).toContain('"title":"Trace a request"');
    }
  }, 120_000);
});
