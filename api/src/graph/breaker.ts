/**
 * The circuit breaker around Neo4j (opossum). After enough failures it opens: calls fail at
 * once instead of waiting on a dead server, the outbox keeps the events, and after
 * `resetTimeoutMs` one trial call (half-open) decides whether to close it again.
 */

import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { errorCode } from '../errors/error-code.ts';
import { InjectedFaultError } from '../lab/faults.ts';
import {
  FLOWLAB_BREAKER_DECISION,
  FLOWLAB_BREAKER_NAME,
  FLOWLAB_BREAKER_STATE,
  FLOWLAB_BREAKER_STATE_AFTER,
} from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** A call slower than this counts as a failure. */
  timeoutMs: number;
  /** How long the breaker stays open before it lets one trial call through. */
  resetTimeoutMs: number;
  /** Failures needed in the rolling window before the breaker may open. */
  volumeThreshold: number;
  errorThresholdPercentage: number;
}

export interface GraphBreaker {
  fire<T>(work: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  /** Called on every state change (for logs and metrics); returns a function that stops it. */
  onChange(listener: (state: BreakerState) => void): () => void;
  shutdown(): void;
}

export function createGraphBreaker(options: BreakerOptions, logger: Logger): GraphBreaker {
  const breaker = new CircuitBreaker(async (work: () => Promise<unknown>) => work(), {
    name: 'neo4j',
    timeout: options.timeoutMs,
    resetTimeout: options.resetTimeoutMs,
    volumeThreshold: options.volumeThreshold,
    errorThresholdPercentage: options.errorThresholdPercentage,
    rollingCountTimeout: 10_000,
    // A query Neo4j refuses (a client error) says nothing about Neo4j's health.
    errorFilter: (error: { code?: string }) => error?.code?.startsWith('Neo.ClientError') === true,
  });
  const listeners: ((state: BreakerState) => void)[] = [];
  const announce = (state: BreakerState) => {
    logger.warn({ dependency: 'neo4j', breaker: state }, `circuit breaker ${state}`);
    for (const listener of listeners) listener(state);
  };
  breaker.on('open', () => announce('open'));
  breaker.on('halfOpen', () => announce('half-open'));
  breaker.on('close', () => announce('closed'));

  const state = (): BreakerState => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed');
  return {
    // The breaker's decision is a step of its own: a learner sees "rejected" when it is open.
    fire: <T>(work: () => Promise<T>) =>
      step('circuit breaker', { [FLOWLAB_BREAKER_NAME]: 'neo4j', [FLOWLAB_BREAKER_STATE]: state() }, async (span) => {
        try {
          return (await breaker.fire(work)) as T;
        } catch (error) {
          span.setAttribute(FLOWLAB_BREAKER_DECISION, errorCode(error) === 'EOPENBREAKER' ? 'rejected' : 'allowed');
          throw error;
        } finally {
          span.setAttribute(FLOWLAB_BREAKER_STATE_AFTER, state());
        }
      }),
    state,
    onChange: (listener) => {
      listeners.push(listener);
      return () => {
        const at = listeners.indexOf(listener);
        if (at >= 0) listeners.splice(at, 1);
      };
    },
    shutdown: () => breaker.shutdown(),
  };
}

/**
 * True when the graph could not be reached at all (server down, breaker open, call timed out,
 * an injected lab fault): the event is fine and must simply wait. False means the event itself failed.
 */
export function isGraphOutage(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === 'EOPENBREAKER' || code === 'ETIMEDOUT' || error instanceof InjectedFaultError || isGraphUnavailable(error)
  );
}

/**
 * True for the errors that mean "Neo4j is unreachable", as opposed to "this query is wrong". Here, not in
 * neo4j.ts, so that a server without a graph never loads the Neo4j driver (dependencies.ts).
 */
export function isGraphUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ServiceUnavailable' || code === 'SessionExpired' || code?.startsWith('Neo.TransientError') === true;
}
