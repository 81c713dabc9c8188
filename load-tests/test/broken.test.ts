/**
 * The harness can fail: the smoke scenario with one fault planted in a copy of its library (a wrong
 * path, a wrong expected status) runs against the real API and must show failed checks and breached
 * thresholds, which is what makes `k6 run` exit 99.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../../api/test/helpers/full-server.ts';
import { loadScenario, loadTestsDir, type ScenarioRun } from './harness.ts';

let full: FullServer;
const copies: string[] = [];

beforeAll(async () => {
  full = await startFullServer();
});

afterAll(async () => {
  await full?.stop();
  for (const dir of copies) await rm(dir, { recursive: true, force: true });
});

/** smoke.ts and lib/ copied, with `from` replaced by `to` in lib/steps.ts; fails if `from` is not there. */
async function brokenSmoke(from: string, to: string): Promise<ScenarioRun> {
  const dir = await mkdtemp(join(tmpdir(), 'flowlab-broken-'));
  copies.push(dir);
  await cp(join(loadTestsDir, 'smoke.ts'), join(dir, 'smoke.ts'));
  await cp(join(loadTestsDir, 'lib'), join(dir, 'lib'), { recursive: true });
  const steps = join(dir, 'lib', 'steps.ts');
  const source = await readFile(steps, 'utf8');
  expect(source, 'the fault can be planted').toContain(from);
  await writeFile(steps, source.replace(from, to));
  const run = await loadScenario(join(dir, 'smoke.ts'), { API_URL: full.server.base });
  run.setup();
  run.iterate('writers', 2);
  run.iterate('readers', 1);
  run.teardown();
  return run;
}

describe('a broken script fails under the harness', () => {
  it('a wrong path: the list check fails, the requests count as failed, thresholds breach', async () => {
    const run = await brokenSmoke("path: '/todos?limit=20'", "path: '/todo?limit=20'");
    expect(new Set(run.failedChecks().map((c) => c.name))).toEqual(new Set(['list: 200 with items']));
    const lists = run.state.requests.filter((r) => r.tags.step === 'list');
    expect(lists.map((r) => `${r.status} ${r.failed}`)).toEqual(['404 true', '404 true', '404 true']);
    const breached = (await run.thresholds()).filter((t) => !t.ok).map((t) => `${t.key} ${t.expression}`);
    expect(breached).toEqual(expect.arrayContaining(['http_req_failed rate<0.01', 'checks rate>0.99']));
  });

  it('a wrong expected status: the delete check fails though every request succeeded', async () => {
    const run = await brokenSmoke("'delete: 204': (r) => r.status === 204", "'delete: 204': (r) => r.status === 200");
    const failed = run.failedChecks().map((c) => c.name);
    // Two writer iterations, and teardown removing two seeded todos for each of the two users: six deletes.
    expect(failed).toEqual(Array(6).fill('delete: 204'));
    expect(run.state.requests.filter((r) => r.failed)).toEqual([]);
    const breached = (await run.thresholds()).filter((t) => !t.ok).map((t) => `${t.key} ${t.expression}`);
    expect(breached).toContain('checks rate>0.99');
  });
});
