/**
 * When a failed outbox event is tried again, and when it is given up on (a dead letter).
 * An outage is not the event's fault: it does not count an attempt, it only holds the rows.
 */
import type { Config } from '../config.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
  /** How long rows stay leased after an outage (a timed-out write may still land). */
  outageHoldSeconds: number;
}

/** Exponential backoff with jitter: base * 2^(attempt-1), capped, then between half and all of it. */
export function retryDelaySeconds(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return ceiling * (0.5 + random() * 0.5);
}

export function retryPolicy(config: Config): RetryPolicy {
  return {
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    baseSeconds: 1,
    maxSeconds: 300,
    // Long enough for a write that timed out to land before another worker may try the event.
    outageHoldSeconds: Math.max(1, Math.ceil((config.GRAPH_TIMEOUT_MS * 3) / 1000)),
  };
}
