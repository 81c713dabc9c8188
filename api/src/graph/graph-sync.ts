/**
 * Applying outbox events to Neo4j.
 *
 * An event says "todo 42 changed"; applying it makes the graph match what PostgreSQL (the
 * source of truth) holds for todo 42 now: MERGE it when it exists, DETACH DELETE it when it
 * is gone. So applying an event twice, or late, changes nothing, and the graph converges.
 * Every write goes through the circuit breaker; the request path tries it inline, the outbox
 * worker retries whatever the request path could not do.
 */
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import { categories, type OutboxRow, todos } from '../db/schema.ts';
import { createOutboxRepository } from '../outbox/outbox.repository.ts';
import { createTodosRepository } from '../todos/todos.repository.ts';
import { type GraphBreaker, isGraphOutage } from './breaker.ts';
import type { GraphClient } from './neo4j.ts';

export type GraphWriteStatus = 'synced' | 'pending' | 'disabled';
export type ApplyOutcome = 'done' | 'outage' | 'retry' | 'dead';

export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
  /** How long rows stay leased after an outage (a timed-out write may still land). */
  outageHoldSeconds: number;
}

/** Exponential backoff with jitter: base * 2^(attempt-1), capped, then between half and all of it. */
export function retryDelaySeconds(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return ceiling * (0.5 + random() * 0.5);
}

const UPSERT_TODO = `
MERGE (u:User {id: $userId})
MERGE (t:Todo {id: $id})
SET t.title = $title, t.completed = $completed, t.createdAt = datetime($createdAt)
MERGE (u)-[:OWNS]->(t)
WITH t
OPTIONAL MATCH (t)-[stale:BELONGS_TO]->(old:Category)
WHERE NOT old.id IN $categoryIds
DELETE stale
WITH DISTINCT t
UNWIND $categories AS category
MERGE (c:Category {id: category.id})
SET c.name = category.name, c.key = toLower(category.name), c.userId = $userId
MERGE (t)-[:BELONGS_TO]->(c)`;

const DELETE_TODO = 'MATCH (t:Todo {id: $id}) DETACH DELETE t';

const UPSERT_CATEGORY = `
MERGE (c:Category {id: $id})
SET c.name = $name, c.key = toLower($name), c.userId = $userId`;

const DELETE_CATEGORY = 'MATCH (c:Category {id: $id}) DETACH DELETE c';

export interface GraphSync {
  /** Applies one claimed row and records the outcome in the outbox. */
  process(row: OutboxRow): Promise<ApplyOutcome>;
  /** The request path: apply this event now if the graph is healthy, else leave it to the worker. */
  tryInline(outboxId: number): Promise<GraphWriteStatus>;
}

export function createGraphSync(deps: {
  db: Database;
  graph: GraphClient;
  breaker: GraphBreaker;
  logger: Logger;
  retry: RetryPolicy;
  /** Optional hook called after each successful application (tests count applications). */
  onApplied?: (row: OutboxRow) => void;
}): GraphSync {
  const { db, graph, breaker, logger, retry } = deps;
  const outbox = createOutboxRepository(db);

  async function applyTodo(id: number): Promise<void> {
    const [todo] = await db.select().from(todos).where(eq(todos.id, id)).limit(1);
    if (!todo) {
      await breaker.fire(() => graph.run(DELETE_TODO, { id }, { operation: 'delete todo', mode: 'write' }));
      return;
    }
    const todoCategories = (await createTodosRepository(db).categoriesOf([id])).get(id) ?? [];
    await breaker.fire(() =>
      graph.run(
        UPSERT_TODO,
        {
          id,
          userId: todo.userId,
          title: todo.title,
          completed: todo.completed,
          createdAt: todo.createdAt.toISOString(),
          categoryIds: todoCategories.map((c) => c.id),
          categories: todoCategories,
        },
        { operation: 'merge todo', mode: 'write' },
      ),
    );
  }

  async function applyCategory(id: number): Promise<void> {
    const [category] = await db.select().from(categories).where(eq(categories.id, id)).limit(1);
    await breaker.fire(() =>
      category
        ? graph.run(
            UPSERT_CATEGORY,
            { id, name: category.name, userId: category.userId },
            { operation: 'merge category', mode: 'write' },
          )
        : graph.run(DELETE_CATEGORY, { id }, { operation: 'delete category', mode: 'write' }),
    );
  }

  async function apply(row: OutboxRow): Promise<void> {
    const id = Number(row.aggregateId);
    if (!Number.isSafeInteger(id)) throw new PoisonEventError(`aggregate id "${row.aggregateId}" is not an id`);
    if (row.aggregateType === 'todo' && row.eventType.startsWith('todo.')) return applyTodo(id);
    if (row.aggregateType === 'category' && row.eventType.startsWith('category.')) return applyCategory(id);
    throw new PoisonEventError(`no graph handler for ${row.aggregateType} event "${row.eventType}"`);
  }

  async function process(row: OutboxRow): Promise<ApplyOutcome> {
    try {
      await apply(row);
      await outbox.markDone(row.id);
      deps.onApplied?.(row);
      return 'done';
    } catch (error) {
      if (isGraphOutage(error)) {
        await outbox.release([row.id], retry.outageHoldSeconds);
        return 'outage';
      }
      const message = error instanceof Error ? error.message : String(error);
      const { attempts, dead } = await outbox.markFailed(row, message, {
        retryInSeconds: retryDelaySeconds(row.attempts + 1, retry),
        maxAttempts: retry.maxAttempts,
      });
      logger.warn(
        { outboxId: row.id, eventType: row.eventType, attempts, dead, err: error },
        dead ? 'outbox event dead-lettered' : 'outbox event failed; will retry',
      );
      return dead ? 'dead' : 'retry';
    }
  }

  return {
    process,
    async tryInline(outboxId) {
      // With the breaker open, do not even claim: answer at once and let the worker catch up.
      if (breaker.state() === 'open') return 'pending';
      const [row] = await outbox.claim({ limit: 1, leaseSeconds: retry.outageHoldSeconds, id: outboxId });
      // Not claimable: an earlier event of the same todo is still waiting, so this one waits too.
      if (!row) return 'pending';
      return (await process(row)) === 'done' ? 'synced' : 'pending';
    },
  };
}
