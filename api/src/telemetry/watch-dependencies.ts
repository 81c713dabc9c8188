/**
 * Connects the dependencies to the metrics: every call's duration (from its client span),
 * the PostgreSQL pool, the circuit breaker's state and transitions, the outbox backlog.
 * Returns a function that stops listening, for an app that is disposed of before its process ends.
 */
import type { DatabaseHandle } from '../db/database.ts';
import type { BreakerState, GraphBreaker } from '../graph/breaker.ts';
import type { DependencySpans } from './dependency-spans.ts';
import { type BacklogSource, type Metrics, watchBacklog } from './metrics.ts';

const breakerValue: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function watchDependencies(
  metrics: Metrics,
  deps: { dependencySpans: DependencySpans; database: DatabaseHandle; breaker?: GraphBreaker; outbox: BacklogSource },
): () => void {
  const stopCalls = deps.dependencySpans.listen((call) =>
    metrics.dependencyDuration.observe(
      { db_system_name: call.system, db_operation_name: call.operation },
      call.seconds,
    ),
  );

  const pool = deps.database.poolStats;
  if (pool) {
    metrics.sources.push(() => {
      const stats = pool();
      metrics.poolConnections.set({ state: 'total' }, stats.total);
      metrics.poolConnections.set({ state: 'idle' }, stats.idle);
      metrics.poolConnections.set({ state: 'waiting' }, stats.waiting);
    });
  }

  const { breaker } = deps;
  if (breaker) metrics.breakerState.set({ breaker: 'neo4j' }, breakerValue[breaker.state()]);
  const stopBreaker = breaker?.onChange((state) => {
    metrics.breakerState.set({ breaker: 'neo4j' }, breakerValue[state]);
    metrics.breakerTransitions.inc({ breaker: 'neo4j', state });
  });

  watchBacklog(metrics, deps.outbox);
  return () => {
    stopCalls();
    stopBreaker?.();
  };
}
