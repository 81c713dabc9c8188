/**
 * breakpoint: how much can this machine take? Reader iterations arrive at a rate that climbs from 2 to
 * 150 a second over 10 minutes (each iteration is three requests), beside a writer every 2 s, until an
 * objective breaks: then abortOnFail stops the run (after 10 s of evidence) and k6 exits 99. The rate
 * reached when it stopped, on the Load test dashboard, is the answer. Creates do not climb: each one
 * costs a user's rate limit, so the ramp is on reads, which is where this API's load is.
 *
 *   k6 run load-tests/breakpoint.ts
 */
import { usersFor } from './lib/config.ts';
import { writers } from './lib/executors.ts';
import { LIFECYCLE_STEPS, scenarioOptions } from './lib/options.ts';
import { summaryFor } from './lib/summary.ts';
import { browse, cleanUp, lifecycle, prepareRun, type RunData } from './lib/workloads.ts';

const CREATES_PER_SECOND = 0.5;

export const options = scenarioOptions({
  scenarios: {
    writers: writers(CREATES_PER_SECOND, '10m'),
    readers: {
      executor: 'ramping-arrival-rate',
      exec: 'read',
      startRate: 2,
      timeUnit: '1s',
      stages: [{ duration: '10m', target: 150 }],
      preAllocatedVUs: 10,
      maxVUs: 100,
      tags: { workload: 'readers' },
    },
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

/** No think time: the arrival rate, not the VUs, sets the pace. */
export function read(data: RunData): void {
  browse(data);
}

export function teardown(data: RunData): void {
  cleanUp(data);
}

export const handleSummary = summaryFor('breakpoint');
