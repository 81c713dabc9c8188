/**
 * The pages that need Neo4j, against a real `npm start` on the services (PostgreSQL, Redis,
 * Neo4j): Run it on the graph write page shows the circuit breaker and the Neo4j write, and the
 * two exercises that use the lab's fault switches pass when done the way their pages say.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../../../api/test/helpers/full-server.ts';
import { launchBrowser } from './browser.ts';
import { check, shellOf } from './exercise-steps.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'docs-test-admin-token-0123';

let full: FullServer;
let browser: Browser;

beforeAll(async () => {
  [full, browser] = await Promise.all([
    startFullServer({ LAB_MODE: '1', ADMIN_TOKEN, AUTH_RATE_LIMIT: '500' }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await full?.stop();
});

describe('with Neo4j', () => {
  it('Run it on the graph write page shows the breaker and the Neo4j write under graph write', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${full.server.base}/learn/steps/graph-write/`);
    await tab.getByRole('button', { name: 'Send the request' }).click();
    await tab.locator('run-it .waterfall details[data-span="graph write"]').waitFor({ timeout: 15_000 });
    const spans = await tab
      .locator('run-it .waterfall details')
      .evaluateAll((all) => all.map((d) => (d as HTMLElement).dataset.span));
    expect(spans).toEqual(expect.arrayContaining(['graph write', 'circuit breaker', 'neo4j sync todos']));
    expect(await tab.locator('run-it .response-body').textContent()).toContain('"synced"');
    await context.close();
  });

  for (const c of [
    { id: 'open-breaker', page: '/learn/steps/graph-write/' },
    { id: 'worker-applies', page: '/learn/steps/worker/' },
  ]) {
    it(`${c.id} fails before it is done and passes after`, async () => {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${full.server.base}${c.page}`);
      const exercise = tab.locator(`lab-exercise[data-exercise="${c.id}"]`);
      expect((await check(exercise)).verdict).toBe('fail');
      // A failed Check gives the exercise a new traceparent: the learner copies the shell lines again.
      const shell = await shellOf(exercise);
      const command = await exercise.locator('[data-code]').first().getAttribute('data-code');
      await run('bash', ['-c', (command ?? '').replaceAll('\u007f', '\n').replace('export ADMIN_TOKEN=...', '')], {
        env: { ...process.env, ...shell, ADMIN_TOKEN },
        timeout: 60_000,
      });
      // The worker retries on its own schedule: a learner presses Check again after a few seconds.
      let verdict = await check(exercise);
      for (let i = 0; i < 10 && verdict.verdict !== 'pass'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        verdict = await check(exercise);
      }
      expect(verdict.verdict, verdict.text).toBe('pass');
      await context.close();
    });
  }
});
