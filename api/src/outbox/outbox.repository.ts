/**
 * Writing to the transactional outbox. Always called with the transaction that makes
 * the change itself: the event exists if and only if the change was committed.
 */
import type { Transaction } from '../db/database.ts';
import { outbox } from '../db/schema.ts';

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
  /** Everything the graph needs to apply the event idempotently (a MERGE keyed by id). */
  payload: Record<string, unknown>;
}

export async function appendOutboxEvent(tx: Transaction, event: OutboxEvent): Promise<void> {
  await tx.insert(outbox).values({
    aggregateType: event.aggregateType,
    aggregateId: String(event.aggregateId),
    eventType: event.eventType,
    payload: event.payload,
  });
}
