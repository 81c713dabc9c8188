/**
 * stress: above a normal day. Readers climb to 20 virtual users, hold, climb to 40, hold, and ramp down
 * (10 minutes), beside writers at 1.2 creates a second (12 users, each under its create limit). Watch
 * the latency of each step and the event-loop delay rise with the readers, and whether the objectives
 * still hold at 40: where they stop holding is this machine's capacity.
 *
 *   k6 run load-tests/stress.ts
 */
import { sleep } from 'k6';
import { usersFor } from './lib/config.ts';
import { readers, writers } from './lib/executors.ts';
import { LIFECYCLE_STEPS, scenarioOptions } from './lib/options.ts';
import { summaryFor } from './lib/summary.ts';
import { browse, cleanUp, lifecycle, prepareRun, type RunData } from './lib/workloads.ts';

const CREATES_PER_SECOND = 1.2;

export const options = scenarioOptions({
  scenarios: {
    writers: writers(CREATES_PER_SECOND, '10m'),
    readers: readers([
      { duration: '2m', target: 20 },
      { duration: '3m', target: 20 },
      { duration: '2m', target: 40 },
      { duration: '2m', target: 40 },
      { duration: '1m', target: 0 },
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

export const handleSummary = summaryFor('stress');
