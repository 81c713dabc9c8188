/**
 * spike: a sudden crowd. Five readers, then sixty within ten seconds for a minute, then five again
 * (3 minutes), beside a writer at one create a second. Watch active requests and p99 jump, the
 * PostgreSQL pool fill, and how fast everything returns to the baseline once the crowd leaves.
 *
 *   k6 run load-tests/spike.ts
 */
import { sleep } from 'k6';
import { usersFor } from './lib/config.ts';
import { readers, writers } from './lib/executors.ts';
import { LIFECYCLE_STEPS, scenarioOptions } from './lib/options.ts';
import { summaryFor } from './lib/summary.ts';
import { browse, cleanUp, lifecycle, prepareRun, type RunData } from './lib/workloads.ts';

const CREATES_PER_SECOND = 1;

export const options = scenarioOptions({
  scenarios: {
    writers: writers(CREATES_PER_SECOND, '3m'),
    readers: readers([
      { duration: '30s', target: 5 },
      { duration: '10s', target: 60 },
      { duration: '1m', target: 60 },
      { duration: '10s', target: 5 },
      { duration: '1m10s', target: 5 },
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

export const handleSummary = summaryFor('spike');
