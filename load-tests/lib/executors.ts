/**
 * The two kinds of load every scenario mixes:
 *   writers  an arrival rate of lifecycles (one create each), held under the create limit by the pool
 *            size: the write rate is what the rate limit allows, not what the test type varies;
 *   readers  virtual users browsing (no creates), whose number the test type shapes: steady for
 *            average-load and soak, climbing for stress, jumping for spike, an arrival rate for breakpoint.
 */
import type { ConstantArrivalRateScenario, ConstantVUsScenario, RampingVUsScenario, Stage } from 'k6/options';

/** `createsPerSecond` may be fractional (0.2 is one every 5 s): k6 wants an integer rate per time unit. */
export function writers(createsPerSecond: number, duration: string): ConstantArrivalRateScenario {
  return {
    executor: 'constant-arrival-rate',
    exec: 'write',
    rate: Math.round(createsPerSecond * 10),
    timeUnit: '10s',
    duration,
    // A lifecycle is six requests; at the lab's latencies one VU finishes well inside its interval.
    preAllocatedVUs: Math.max(1, Math.ceil(createsPerSecond)),
    maxVUs: Math.max(2, Math.ceil(createsPerSecond * 4)),
    tags: { workload: 'writers' },
  };
}

export function readers(stages: Stage[]): RampingVUsScenario {
  return {
    executor: 'ramping-vus',
    exec: 'read',
    startVUs: 0,
    stages,
    gracefulRampDown: '10s',
    tags: { workload: 'readers' },
  };
}

export function steadyReaders(vus: number, duration: string): ConstantVUsScenario {
  return { executor: 'constant-vus', exec: 'read', vus, duration, tags: { workload: 'readers' } };
}
