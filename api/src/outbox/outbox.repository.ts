/**
 * The transactional outbox. `appendOutboxEvent` is always called with the transaction that
 * makes the change itself: the event exists if and only if the change was committed.
 * The rest serves the sync worker: claim, mark done, retry later, dead-letter, replay.
 */
import { context, propagation } from '@opentelemetry/api';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor, Transaction } from '../db/database.ts';
import { prepareStatement } from '../db/prepared.ts';
import { type OutboxRow, outbox } from '../db/schema.ts';
import { FLOWLAB_OUTBOX_EVENT_TYPE, FLOWLAB_OUTBOX_ID } from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';

export type OutboxEventType =
  | 'todo.created'
  | 'todo.updated'
  | 'todo.completed'
  | 'todo.reopened'
  | 'todo.deleted'
  | 'category.created'
  | 'category.deleted';

export interface OutboxEvent {
  aggregateType: 'todo' | 'category';
  aggregateId: number;
  eventType: OutboxEventType;
  /** What changed, for people reading the outbox; the graph sync reads PostgreSQL itself. */
  payload: Record<string, unknown>;
}

/** The event's row, as its INSERT takes it. */
function outboxRow(event: OutboxEvent, traceContext: Record<string, string> | null) {
  return {
    aggregateType: event.aggregateType,
    aggregateId: String(event.aggregateId),
    eventType: event.eventType,
    payload: event.payload,
    traceContext,
  };
}

/**
 * The outbox write. With `db`, its INSERT is built once (db/prepared.ts) and run on each
 * request's transaction; without, drizzle builds it on every call.
 */
export function outboxWriter(db?: Database) {
  const prepared =
    db &&
    prepareStatement(db, 'INSERT outbox', (d) =>
      d
        .insert(outbox)
        .values({
          aggregateType: sql.placeholder('aggregateType'),
          aggregateId: sql.placeholder('aggregateId'),
          eventType: sql.placeholder('eventType'),
          payload: sql.placeholder('payload'),
          // Raw, not through the jsonb encoder, which would store a JSON null rather than SQL NULL.
          traceContext: sql`${sql.placeholder('traceContext')}::jsonb`,
        })
        .returning({ id: outbox.id }),
    );
  const insert = (tx: Transaction, row: ReturnType<typeof outboxRow>) =>
    prepared
      ? prepared.execute(tx, { ...row, traceContext: row.traceContext && JSON.stringify(row.traceContext) })
      : tx.insert(outbox).values(row).returning({ id: outbox.id });

  /** Returns the new row's id, so the request can try to apply it to the graph at once. */
  return async function appendOutboxEvent(tx: Transaction, event: OutboxEvent): Promise<number> {
    return step('outbox write', { [FLOWLAB_OUTBOX_EVENT_TYPE]: event.eventType }, async (span) => {
      // The request's trace context travels with the event, so the worker's span can link back to it.
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      const [row] = await insert(tx, outboxRow(event, carrier.traceparent ? carrier : null));
      if (!row) throw new Error('insert into outbox returned no row');
      span.setAttribute(FLOWLAB_OUTBOX_ID, row.id);
      return row.id;
    });
  };
}

/** The outbox write with its INSERT built on each call, for the writes that are not hot. */
export const appendOutboxEvent = outboxWriter();

export interface OutboxBacklog {
  pending: number;
  dead: number;
  oldestPendingAgeSeconds: number;
}

export function createOutboxRepository(db: Executor) {
  /**
   * Claims up to `limit` rows for `leaseSeconds`. A row is claimable when it is pending, due,
   * not leased, and no earlier row of the same todo or category is still pending: so events
   * of one aggregate apply in order, while different aggregates go in parallel.
   * FOR UPDATE SKIP LOCKED lets two workers claim at the same moment without taking the same row.
   * `minAgeSeconds` leaves younger rows alone: the request that wrote an event tries it first.
   */
  async function claim(options: {
    limit: number;
    leaseSeconds: number;
    id?: number;
    minAgeSeconds?: number;
  }): Promise<OutboxRow[]> {
    const onlyId = options.id === undefined ? sql`` : sql`and o.id = ${options.id}`;
    const oldEnough = options.minAgeSeconds
      ? sql`and o.created_at <= now() - make_interval(secs => ${options.minAgeSeconds})`
      : sql``;
    const claimable = sql`(
        select o.id from outbox o
        where o.status = 'pending'
          and o.available_at <= now()
          and (o.locked_until is null or o.locked_until < now())
          ${onlyId}
          ${oldEnough}
          and not exists (
            select 1 from outbox earlier
            where earlier.aggregate_type = o.aggregate_type
              and earlier.aggregate_id = o.aggregate_id
              and earlier.status = 'pending'
              and earlier.id < o.id
          )
        order by o.id
        limit ${options.limit}
        for update skip locked
      )`;
    // One statement: lease the claimable rows and return them whole.
    const rows = await db
      .update(outbox)
      .set({ lockedUntil: sql`now() + make_interval(secs => ${options.leaseSeconds})` })
      .where(inArray(outbox.id, claimable))
      .returning();
    // UPDATE ... RETURNING promises no order; the worker applies a batch in id order.
    return rows.sort((a, b) => a.id - b.id);
  }

  return {
    claim,

    async markDone(ids: number | number[]): Promise<void> {
      const list = Array.isArray(ids) ? ids : [ids];
      if (list.length === 0) return;
      await db
        .update(outbox)
        .set({ status: 'done', processedAt: sql`now()`, lockedUntil: null, lastError: null })
        .where(inArray(outbox.id, list));
    },

    /**
     * Gives claimed rows back without counting an attempt (the graph was unreachable: not the
     * events' fault). They stay leased for `afterSeconds`, because a write that timed out may
     * still land, and another worker must not apply an older state after it.
     */
    async release(ids: number[], afterSeconds: number): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(outbox)
        .set({ lockedUntil: sql`now() + make_interval(secs => ${afterSeconds})` })
        .where(inArray(outbox.id, ids));
    },

    /** Counts a failed attempt: retry after `retryInSeconds`, or dead-letter after `maxAttempts`. */
    async markFailed(row: OutboxRow, error: string, options: { retryInSeconds: number; maxAttempts: number }) {
      const attempts = row.attempts + 1;
      const dead = attempts >= options.maxAttempts;
      await db
        .update(outbox)
        .set({
          attempts,
          lastError: error.slice(0, 2000),
          lockedUntil: null,
          status: dead ? 'dead' : 'pending',
          availableAt: sql`now() + make_interval(secs => ${options.retryInSeconds})`,
        })
        .where(eq(outbox.id, row.id));
      return { attempts, dead };
    },

    async listDead(limit: number): Promise<OutboxRow[]> {
      return db.select().from(outbox).where(eq(outbox.status, 'dead')).orderBy(asc(outbox.id)).limit(limit);
    },

    /** Puts a dead row back in line with a fresh attempt count. */
    async replay(id: number): Promise<boolean> {
      const rows = await db
        .update(outbox)
        .set({ status: 'pending', attempts: 0, availableAt: sql`now()`, lockedUntil: null })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'dead')))
        .returning({ id: outbox.id });
      return rows.length > 0;
    },

    async backlog(): Promise<OutboxBacklog> {
      const [row] = await db
        .select({
          pending: sql<number>`count(*) filter (where ${outbox.status} = 'pending')::int`,
          dead: sql<number>`count(*) filter (where ${outbox.status} = 'dead')::int`,
          oldestPendingAgeSeconds: sql<number>`coalesce(extract(epoch from now() - min(${outbox.createdAt}) filter (where ${outbox.status} = 'pending')), 0)::float8`,
        })
        .from(outbox);
      return row ?? { pending: 0, dead: 0, oldestPendingAgeSeconds: 0 };
    },

    /** Removes applied events older than the retention, so the table does not grow forever. */
    async pruneDone(olderThanSeconds: number): Promise<number> {
      const rows = await db
        .delete(outbox)
        .where(
          and(
            eq(outbox.status, 'done'),
            sql`${outbox.processedAt} < now() - make_interval(secs => ${olderThanSeconds})`,
          ),
        )
        .returning({ id: outbox.id });
      return rows.length;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
