/**
 * The lab's service-level objectives, written once: every scenario's thresholds come from here, so a
 * learner compares runs against the same bar. A breach makes `k6 run` exit with code 99.
 *
 * Where the numbers come from: measured here, on the lab's build machine (2 shared cores, load average
 * 15 to 18 while five engineers' tests ran), with the API under `npm start` on PostgreSQL, Redis and
 * Neo4j, telemetry on, in two runs of (a) this folder's harness, one virtual user, 100 lifecycles and
 * 100 browses, and (b) autocannon for 8 s: 10 connections on list, read and related, 4 on create.
 * Each objective is twice the larger of the two figures (single-VU p95 or loaded p97.5; p99 or p99),
 * rounded up to 50 ms. The figures, in ms (single-VU p95/p99; loaded p97.5/p99):
 *   create 265/345; 398/457    list 41/147; 74/124    read 52/125; 120/173    related 113/217; 361/453
 *   complete 173/328           delete 183/379         register 1406/1508 and login 1262/1342 (scrypt)
 * A laptop running the Docker stack should do better; a 300 ms PostgreSQL fault, or Neo4j slower than
 * its 1 s timeout, breaks them. register and login are slow by design (scrypt, N=2^15) and run in setup().
 */
import type { Threshold } from 'k6/options';

export type Step = 'register' | 'login' | 'create' | 'list' | 'read' | 'complete' | 'delete' | 'related';

export const stepObjectives: Record<Step, { p95: number; p99: number }> = {
  register: { p95: 2850, p99: 3050 },
  login: { p95: 2550, p99: 2700 },
  create: { p95: 800, p99: 950 },
  list: { p95: 150, p99: 300 },
  read: { p95: 250, p99: 350 },
  complete: { p95: 350, p99: 700 },
  delete: { p95: 400, p99: 800 },
  related: { p95: 750, p99: 950 },
};

/** A request slower than its step's p99 objective prints its trace id. */
export function slowAfterMs(step: Step): number {
  return stepObjectives[step].p99;
}

export interface SloOptions {
  /** Stop the run at the first breach (after `delayAbortEval`, so a few early samples do not decide). */
  abortOnFail?: boolean;
  delayAbortEval?: string;
  /** The share of failed requests tolerated: 1 % unless a drill says otherwise. */
  errorRate?: number;
}

/** The thresholds for the steps a scenario runs: error rate, checks, and p95 and p99 per step. */
export function sloThresholds(steps: Step[], options: SloOptions = {}): Record<string, Threshold[]> {
  const wrap = (threshold: string): Threshold =>
    options.abortOnFail ? { threshold, abortOnFail: true, delayAbortEval: options.delayAbortEval ?? '30s' } : threshold;
  const thresholds: Record<string, Threshold[]> = {
    http_req_failed: [wrap(`rate<${options.errorRate ?? 0.01}`)],
    checks: [wrap('rate>0.99')],
  };
  for (const step of steps) {
    const { p95, p99 } = stepObjectives[step];
    thresholds[`http_req_duration{step:${step}}`] = [wrap(`p(95)<${p95}`), wrap(`p(99)<${p99}`)];
    // Every step the scenario names ran at least once (and the summary gets its count).
    thresholds[`http_reqs{step:${step}}`] = ['count>0'];
  }
  return thresholds;
}
