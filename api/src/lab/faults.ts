/**
 * Lab fault switches: injected latency and errors in the calls to PostgreSQL, Neo4j or
 * Redis, so that a learner can slow a query or open the circuit breaker without stopping
 * a container. Every client calls `before(target)` first; with no fault set it costs nothing.
 * Only reachable over HTTP when LAB_MODE=1 and with the admin token (lab.routes.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const faultTargets = ['postgresql', 'neo4j', 'redis'] as const;
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
}

export function createFaults(random: () => number = Math.random): Faults {
  const active = new Map<FaultTarget, Fault>();
  return {
    set: (target, fault) => void active.set(target, fault),
    reset: (target) => (target ? void active.delete(target) : active.clear()),
    list: () => Object.fromEntries(active),
    async before(target) {
      const fault = active.get(target);
      if (!fault) return;
      if (fault.latencyMs > 0) await sleep(fault.latencyMs);
      if (fault.errorRate > 0 && random() < fault.errorRate) throw new InjectedFaultError(target);
    },
  };
}
