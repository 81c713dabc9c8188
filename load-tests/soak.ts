/**
 * soak: a long, moderate day. Ten readers for half an hour (2 minutes up, 26 held, 2 down) beside a
 * writer every 2 s. Nothing should change over time: a heap that keeps growing, an outbox backlog that
 * creeps up, or a p95 that drifts are the slow leaks this run exists to find. (Tokens last an hour,
 * JWT_TTL_SECONDS, so the run fits inside one.)
 *
 *   k6 run load-tests/soak.ts
 */
import { sleep } from 'k6';
import { usersFor } from './lib/config.ts';
import { readers, writers } from './lib/executors.ts';
import { LIFECYCLE_STEPS, scenarioOptions } from './lib/options.ts';
import { summaryFor } from './lib/summary.ts';
import { browse, cleanUp, lifecycle, prepareRun, type RunData } from './lib/workloads.ts';

const CREATES_PER_SECOND = 0.5;

export const options = scenarioOptions({
  scenarios: {
    writers: writers(CREATES_PER_SECOND, '30m'),
    readers: readers([
      { duration: '2m', target: 10 },
      { duration: '26m', target: 10 },
      { duration: '2m', target: 0 },
    ]),
  },
  steps: LIFECYCLE_STEPS,
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

export const handleSummary = summaryFor('soak');
