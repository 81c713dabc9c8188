/**
 * Lab fault switches: injected latency and errors in the calls to the database (PostgreSQL or
 * the embedded PGlite), the cache (Redis or the in-process one), Redis itself (cache and rate
 * limits) or Neo4j, so that a learner can slow a query, bypass the cache or open the circuit
 * breaker without stopping a service. Every client calls `before(target)` first; with no fault
 * set it costs nothing. Only reachable over HTTP when LAB_MODE=1 and with the admin token
 * (lab.routes.ts), and only for a target this API really calls (a lab without Neo4j has no
 * Neo4j call to break).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const faultTargets = ['postgresql', 'cache', 'redis', 'neo4j'] as const;
export type FaultTarget = (typeof faultTargets)[number];

export interface Fault {
  /** Added before every call. */
  latencyMs: number;
  /** The share of calls (0 to 1) that fail with an InjectedFaultError. */
  errorRate: number;
}

export class InjectedFaultError extends Error {
  readonly target: FaultTarget;
  constructor(target: FaultTarget) {
    super(`lab fault: injected ${target} error`);
    this.name = 'InjectedFaultError';
    this.target = target;
  }
}

export interface Faults {
  set(target: FaultTarget, fault: Fault): void;
  /** Clears one target's fault, or all of them. */
  reset(target?: FaultTarget): void;
  list(): Partial<Record<FaultTarget, Fault>>;
  before(target: FaultTarget): Promise<void>;
  /**
   * Clears every fault and cuts short the latencies being waited out now: a shutting-down server
   * must not hold its in-flight requests for a lab delay (up to 30 s a call).
   */
  endAll(): void;
}

export function createFaults(random: () => number = Math.random): Faults {
  const active = new Map<FaultTarget, Fault>();
  let waiting = new AbortController();
  return {
    set: (target, fault) => void active.set(target, fault),
    reset: (target) => (target ? void active.delete(target) : active.clear()),
    list: () => Object.fromEntries(active),
    async before(target) {
      const fault = active.get(target);
      if (!fault) return;
      if (fault.latencyMs > 0) {
        // Ended early by endAll(): the call then goes ahead, as it would with no fault.
        const ended = await sleep(fault.latencyMs, false, { signal: waiting.signal }).catch(() => true);
        if (ended) return;
      }
      if (fault.errorRate > 0 && random() < fault.errorRate) throw new InjectedFaultError(target);
    },
    endAll() {
      active.clear();
      waiting.abort();
      waiting = new AbortController();
    },
  };
}
