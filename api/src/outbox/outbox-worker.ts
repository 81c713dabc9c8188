/**
 * The outbox worker: the asynchronous half of the dual write. It claims pending events in
 * batches, applies each to Neo4j (graph/graph-sync.ts), and keeps going until the backlog is empty.
 * While Neo4j is unreachable it backs off and leaves the events pending; nothing is lost,
 * and when Neo4j returns it drains the backlog. Several workers (API replicas) can run at
 * once: claims use FOR UPDATE SKIP LOCKED and leases, so no row is applied by two at a time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Link, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { ApplyOutcome, GraphSync } from '../graph/graph-sync.ts';
import {
  ATTR_ERROR_TYPE,
  FLOWLAB_LINK,
  FLOWLAB_OUTBOX_AGGREGATE,
  FLOWLAB_OUTBOX_ATTEMPTS,
  FLOWLAB_OUTBOX_BATCH_SIZE,
  FLOWLAB_OUTBOX_EVENT_TYPE,
  FLOWLAB_OUTBOX_ID,
  FLOWLAB_OUTBOX_OUTCOME,
} from '../telemetry/attributes.ts';
import { step, tracer, untraced } from '../telemetry/tracing.ts';
import { createOutboxRepository } from './outbox.repository.ts';

/** The link from an event's span to the span of the request that wrote it (its stored traceparent). */
function linkToRequest(traceContext: unknown): Link[] {
  if (!traceContext || typeof traceContext !== 'object') return [];
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, traceContext as Record<string, string>));
  return spanContext ? [{ context: spanContext, attributes: { [FLOWLAB_LINK]: 'written by this request' } }] : [];
}

export interface OutboxWorkerOptions {
  batchSize: number;
  /** How long a claim lasts; a worker that dies mid-batch loses its claim after this. */
  leaseSeconds: number;
  /** Pause between polls when there is nothing to do. */
  idleMs: number;
  /** Longest pause while the graph is unreachable (the pause doubles up to this). */
  maxOutageBackoffMs: number;
  /** Applied events are deleted after this long. */
  retentionSeconds: number;
  /**
   * Events younger than this are left to the request that wrote them, which tries the graph
   * write inline right after its commit. Without it the worker could take the event first and
   * the request would answer "pending" for a write that did not wait at all.
   */
  requestFirstSeconds: number;
}

export interface DrainResult {
  claimed: number;
  outcomes: Record<ApplyOutcome, number>;
  /** True when the graph was unreachable and the rest of the batch was given back. */
  outage: boolean;
}

export function createOutboxWorker(deps: {
  db: Database;
  sync: GraphSync;
  logger: Logger;
  options: OutboxWorkerOptions;
}) {
  const { sync, logger, options } = deps;
  const outbox = createOutboxRepository(deps.db);
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: AbortController | undefined;

  /**
   * One batch: claim, apply it in one Neo4j transaction, record the outcomes. The batch is a
   * trace of its own, with one CONSUMER span per event, linked to the request that wrote it.
   */
  async function drainOnce(): Promise<DrainResult> {
    // Polling is not traced: an idle worker would otherwise make four empty traces a second.
    const rows = await untraced(() =>
      outbox.claim({
        limit: options.batchSize,
        leaseSeconds: options.leaseSeconds,
        minAgeSeconds: options.requestFirstSeconds,
      }),
    );
    const result: DrainResult = {
      claimed: rows.length,
      outcomes: { done: 0, outage: 0, retry: 0, dead: 0 },
      outage: false,
    };
    if (rows.length === 0) return result;
    await step('outbox drain', { [FLOWLAB_OUTBOX_BATCH_SIZE]: rows.length }, async () => {
      const eventSpans = rows.map((row) =>
        tracer.startSpan(`outbox event ${row.eventType}`, {
          kind: SpanKind.CONSUMER,
          links: linkToRequest(row.traceContext),
          attributes: {
            [FLOWLAB_OUTBOX_ID]: row.id,
            [FLOWLAB_OUTBOX_EVENT_TYPE]: row.eventType,
            [FLOWLAB_OUTBOX_AGGREGATE]: `${row.aggregateType}:${row.aggregateId}`,
            [FLOWLAB_OUTBOX_ATTEMPTS]: row.attempts,
          },
        }),
      );
      const outcomes = await sync.processBatch(rows);
      outcomes.forEach((outcome, index) => {
        result.outcomes[outcome] += 1;
        const span = eventSpans[index];
        span?.setAttribute(FLOWLAB_OUTBOX_OUTCOME, outcome);
        if (outcome !== 'done') {
          span?.setAttribute(ATTR_ERROR_TYPE, outcome);
          span?.setStatus({ code: SpanStatusCode.ERROR, message: `event ${outcome}` });
        }
        span?.end();
      });
    });
    result.outage = result.outcomes.outage > 0;
    return result;
  }

  async function run(): Promise<void> {
    let outageBackoffMs = options.idleMs;
    let lastPrune = 0;
    while (running) {
      let pauseMs = options.idleMs;
      try {
        const result = await drainOnce();
        if (result.outage) {
          outageBackoffMs = Math.min(options.maxOutageBackoffMs, outageBackoffMs * 2);
          pauseMs = outageBackoffMs;
        } else {
          outageBackoffMs = options.idleMs;
          // A full batch means there is probably more: go again at once.
          if (result.claimed === options.batchSize) pauseMs = 0;
        }
        if (Date.now() - lastPrune > 600_000) {
          lastPrune = Date.now();
          const pruned = await untraced(() => outbox.pruneDone(options.retentionSeconds));
          if (pruned > 0) logger.info({ pruned }, 'pruned applied outbox events');
        }
      } catch (error) {
        // PostgreSQL itself failed: log it and try again later; the events are safe in the table.
        logger.error({ err: error }, 'outbox worker: claiming failed');
        pauseMs = options.maxOutageBackoffMs;
      }
      if (pauseMs > 0 && running) {
        wake = new AbortController();
        await sleep(pauseMs, undefined, { signal: wake.signal }).catch(() => {});
      }
    }
  }

  return {
    drainOnce,
    start() {
      if (running) return;
      running = true;
      loop = run();
      logger.info('outbox worker started');
    },
    /** Finishes the current event, then stops. */
    async stop() {
      running = false;
      wake?.abort();
      await loop;
      loop = undefined;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
