/**
 * The lab's service-level objectives, written once: every scenario's thresholds come from here, so a
 * learner compares runs against the same bar. A breach makes `k6 run` exit with code 99.
 *
 * Where the numbers come from (see the README's load-test section for the figures): the steps were
 * timed on the lab's own build machine (2 cores, shared), with the API on PostgreSQL, Redis and Neo4j
 * and telemetry on, by this folder's harness (one virtual user, 100 lifecycles) and by autocannon
 * (10 connections on GET /todos). Each p95 objective is about three times the p95 measured under that
 * load, and each p99 about three times the p99, rounded up: loose enough for a laptop running the whole
 * Docker stack beside k6, tight enough that a 300 ms PostgreSQL fault or a slow Neo4j breaks it.
 * register and login are slow by design (scrypt, N=2^15): they happen in setup() only.
 */
import type { Threshold } from 'k6/options';

export type Step = 'register' | 'login' | 'create' | 'list' | 'read' | 'complete' | 'delete' | 'related';

export const stepObjectives: Record<Step, { p95: number; p99: number }> = {
  register: { p95: 2000, p99: 4000 },
  login: { p95: 2000, p99: 4000 },
  create: { p95: 300, p99: 800 },
  list: { p95: 150, p99: 400 },
  read: { p95: 150, p99: 400 },
  complete: { p95: 300, p99: 800 },
  delete: { p95: 300, p99: 800 },
  related: { p95: 250, p99: 600 },
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
