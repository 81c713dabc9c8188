/**
 * The outbox claim, on PostgreSQL and on PGlite: one statement leases the claimable rows and
 * returns them whole, in id order; a leased row is nobody else's, and a todo's later event
 * waits for its earlier one. (The graph suite drives the same claim through the worker, on
 * PostgreSQL only; the embedded lab with a Neo4j claims on PGlite.)
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { createOutboxRepository, type OutboxRepository } from '../../src/outbox/outbox.repository.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';

describe.each(backends)('the outbox claim on $name', (backend) => {
  let database: TestDatabase;
  let repository: OutboxRepository;

  beforeAll(async () => {
    database = await backend.create();
    repository = createOutboxRepository(database.db);
  });
  afterAll(async () => database?.destroy());

  const event = (aggregateId: string, eventType = 'todo.updated') => ({
    aggregateType: 'todo',
    aggregateId,
    eventType,
    payload: { note: `event for ${aggregateId}` },
  });

  it('leases the claimable rows once, whole and in id order, one event per todo at a time', async () => {
    const inserted = await database.db
      .insert(outbox)
      .values([event('1', 'todo.created'), event('2', 'todo.created'), event('1'), event('3', 'todo.created')])
      .returning();
    const [first1, first2, second1, first3] = inserted.map((row) => row.id);

    const claimed = await repository.claim({ limit: 10, leaseSeconds: 30 });
    // Todo 1's second event waits for its first, still pending.
    expect(claimed.map((row) => row.id)).toEqual([first1, first2, first3]);
    expect(claimed[0]).toMatchObject({
      aggregateType: 'todo',
      aggregateId: '1',
      eventType: 'todo.created',
      payload: { note: 'event for 1' },
      status: 'pending',
      attempts: 0,
    });
    expect(claimed.every((row) => row.lockedUntil instanceof Date && row.lockedUntil.getTime() > Date.now())).toBe(
      true,
    );
    // Leased: a second claim finds nothing to take.
    expect(await repository.claim({ limit: 10, leaseSeconds: 30 })).toEqual([]);

    // Once todo 1's first event is done, its second is next, and claimable by id.
    await repository.markDone(first1 ?? 0);
    const [next] = await repository.claim({ limit: 10, leaseSeconds: 30, id: second1 });
    expect(next?.id).toBe(second1);

    // Given back after an outage, a row stays leased for the hold, not claimable at once.
    await repository.release([first2 ?? 0], 30);
    expect(await repository.claim({ limit: 10, leaseSeconds: 30, id: first2 })).toEqual([]);
    const [held] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.id, first2 ?? 0));
    expect(held?.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + 20_000);

    await database.db.delete(outbox).where(
      inArray(
        outbox.id,
        inserted.map((row) => row.id),
      ),
    );
  });
});
