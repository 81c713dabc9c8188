/**
 * smoke: does everything work? Two virtual users for a minute: one writer (a lifecycle every 5 s) and
 * one reader. Run it first, and after any change: every check must pass and every step must meet its
 * objective, or the run stops at once (abortOnFail) and exits 99.
 *
 *   k6 run load-tests/smoke.ts                               (API_URL defaults to http://localhost:8000)
 *   docker compose --profile load run --rm k6 run /load-tests/smoke.ts
 */
import { sleep } from 'k6';
import { usersFor } from './lib/config.ts';
import { steadyReaders, writers } from './lib/executors.ts';
import { LIFECYCLE_STEPS, scenarioOptions } from './lib/options.ts';
import { summaryFor } from './lib/summary.ts';
import { browse, cleanUp, lifecycle, prepareRun, type RunData } from './lib/workloads.ts';

const CREATES_PER_SECOND = 0.2;

export const options = scenarioOptions({
  scenarios: {
    writers: writers(CREATES_PER_SECOND, '1m'),
    readers: steadyReaders(1, '1m'),
  },
  steps: LIFECYCLE_STEPS,
  slo: { abortOnFail: true, delayAbortEval: '10s' },
});

export function setup(): RunData {
  return prepareRun({ users: usersFor(CREATES_PER_SECOND) });
}

export function write(data: RunData): void {
  lifecycle(data);
}

export function read(data: RunData): void {
  browse(data);
  sleep(1);
}

export function teardown(data: RunData): void {
  cleanUp(data);
}

export const handleSummary = summaryFor('smoke');
