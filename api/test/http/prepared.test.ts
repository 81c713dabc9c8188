/**
 * Statements built once (db/prepared.ts) must run on the transaction they are given, on both
 * backends: a rolled-back create leaves nothing behind, and values reach their columns as the
 * query builder would put them (SQL NULL, not JSON null; a timestamp as the same instant).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, todos, users } from '../../src/db/schema.ts';
import { outboxWriter } from '../../src/outbox/outbox.repository.ts';
import { createTodosRepository, prepareTodoStatements } from '../../src/todos/todos.repository.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';

describe.each(backends)('prepared statements on $name', (backend) => {
  let database: TestDatabase;
  let userId: number;

  beforeAll(async () => {
    database = await backend.create();
    const [user] = await database.db
      .insert(users)
      .values({ email: 'prepared@example.com', name: null, passwordHash: 'x' })
      .returning();
    userId = user?.id ?? 0;
  });
  afterAll(async () => database?.destroy());

  it('runs on the transaction: a rollback takes the prepared inserts with it', async () => {
    const statements = prepareTodoStatements(database.db);
    const append = outboxWriter(database.db);
    const rolledBack = new Error('roll back');
    await expect(
      database.db.transaction(async (tx) => {
        const row = await createTodosRepository(tx, statements).insert({
          userId,
          title: 'never kept',
          description: null,
          dueAt: null,
        });
        await append(tx, { aggregateType: 'todo', aggregateId: row.id, eventType: 'todo.created', payload: {} });
        // Inside the transaction the row is visible to the transaction itself.
        expect(await tx.select().from(todos).where(eq(todos.id, row.id))).toHaveLength(1);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await database.db.select().from(todos).where(eq(todos.title, 'never kept'))).toEqual([]);
    expect(await database.db.select().from(outbox)).toEqual([]);
  });

  it('maps values and rows as the query builder does', async () => {
    const statements = prepareTodoStatements(database.db);
    const dueAt = new Date('2026-12-01T09:00:00.123Z');
    const kept = await database.db.transaction(async (tx) => {
      const repository = createTodosRepository(tx, statements);
      const withDue = await repository.insert({ userId, title: 'due', description: 'text', dueAt });
      const without = await repository.insert({ userId, title: 'not due', description: null, dueAt: null });
      const append = outboxWriter(database.db);
      const eventId = await append(tx, {
        aggregateType: 'todo',
        aggregateId: withDue.id,
        eventType: 'todo.created',
        payload: { title: 'due' },
      });
      return { withDue, without, eventId };
    });
    expect(kept.withDue).toMatchObject({ title: 'due', description: 'text', completed: false, completedAt: null });
    expect(kept.withDue.dueAt?.toISOString()).toBe(dueAt.toISOString());
    expect(kept.withDue.createdAt).toBeInstanceOf(Date);
    expect(kept.without).toMatchObject({ description: null, dueAt: null });
    // No active trace here: no trace context, stored as SQL NULL, the payload as a JSON object.
    const [event] = await database.db
      .select({ payload: outbox.payload, noContext: sql<boolean>`${outbox.traceContext} is null` })
      .from(outbox)
      .where(eq(outbox.id, kept.eventId));
    expect(event).toEqual({ payload: { title: 'due' }, noContext: true });
  });
});
