/**
 * average-load: a normal day. Readers ramp to 10 virtual users over a minute, stay three minutes and
 * ramp down (5 minutes in all), beside a writer creating one todo every 2 s. Every objective should
 * hold with room to spare: this run is the baseline the others are compared with.
 *
 *   k6 run load-tests/average-load.ts
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
    writers: writers(CREATES_PER_SECOND, '5m'),
    readers: readers([
      { duration: '1m', target: 10 },
      { duration: '3m', target: 10 },
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

export const handleSummary = summaryFor('average-load');
