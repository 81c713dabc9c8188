/**
 * Builds the outbox's two consumers from the opened dependencies and the config: the graph sync
 * (which the request path also calls, inline, after its commit) and the worker that drains the rest.
 */
import type { Runtime } from '../dependencies.ts';
import { createGraphSync, type GraphSync } from '../graph/graph-sync.ts';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.ts';
import { retryPolicy } from './retry-policy.ts';

/** Undefined without a graph: then every event simply waits in the outbox. */
export function graphSyncFor(deps: Runtime): GraphSync | undefined {
  if (!deps.graph) return undefined;
  return createGraphSync({
    db: deps.database.db,
    graph: deps.graph.client,
    breaker: deps.graph.breaker,
    logger: deps.logger,
    retry: retryPolicy(deps.config),
    onApplied: deps.onGraphApplied,
  });
}

export function outboxWorkerFor(deps: Runtime): OutboxWorker | undefined {
  const sync = graphSyncFor(deps);
  if (!sync) return undefined;
  return createOutboxWorker({
    db: deps.database.db,
    sync,
    logger: deps.logger,
    options: {
      batchSize: deps.config.OUTBOX_BATCH_SIZE,
      leaseSeconds: 30,
      idleMs: deps.config.OUTBOX_POLL_MS,
      maxOutageBackoffMs: 5000,
      retentionSeconds: deps.config.OUTBOX_RETENTION_HOURS * 3600,
      // A request claims its event milliseconds after its commit; two seconds covers a slow commit.
      requestFirstSeconds: 2,
    },
  });
}
