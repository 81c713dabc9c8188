/** Builds the graph sync and the outbox worker from the opened dependencies and the config. */
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { OutboxRow } from '../db/schema.ts';
import type { Dependencies } from '../dependencies.ts';
import { createGraphSync, type GraphSync, type RetryPolicy } from './graph-sync.ts';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.ts';

export interface GraphWiring extends Dependencies {
  config: Config;
  logger: Logger;
  /** Called after each outbox event reaches the graph (tests count applications). */
  onGraphApplied?: (row: OutboxRow) => void;
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

/** Undefined without a graph: then every event simply waits in the outbox. */
export function graphSyncFor(deps: GraphWiring): GraphSync | undefined {
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

export function outboxWorkerFor(deps: GraphWiring): OutboxWorker | undefined {
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
