/**
 * Applying outbox events to Neo4j.
 *
 * An event says "todo 42 changed"; applying it makes the graph match what PostgreSQL (the
 * source of truth) holds for todo 42 now: MERGE it when it exists, DETACH DELETE it when it
 * is gone. So applying an event twice, or late, changes nothing, and the graph converges.
 * Every write goes through the circuit breaker; the request path tries it inline, the outbox
 * worker retries whatever the request path could not do.
 */
import type { Logger } from 'pino';
import { createCategoriesRepository } from '../categories/categories.repository.ts';
import type { Database } from '../db/database.ts';
import type { OutboxRow } from '../db/schema.ts';
import { createOutboxRepository } from '../outbox/outbox.repository.ts';
import { type RetryPolicy, retryDelaySeconds } from '../outbox/retry-policy.ts';
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

// Each statement takes a list, so one transaction applies a whole batch of events.
const UPSERT_TODOS = `
UNWIND $todos AS todo
MERGE (u:User {id: todo.userId})
MERGE (t:Todo {id: todo.id})
SET t.title = todo.title, t.completed = todo.completed, t.createdAt = datetime(todo.createdAt)
MERGE (u)-[:OWNS]->(t)
WITH t, todo
OPTIONAL MATCH (t)-[stale:BELONGS_TO]->(old:Category)
WHERE NOT old.id IN todo.categoryIds
DELETE stale
WITH DISTINCT t, todo
UNWIND todo.categories AS category
MERGE (c:Category {id: category.id})
SET c.name = category.name, c.key = toLower(category.name), c.userId = todo.userId
MERGE (t)-[:BELONGS_TO]->(c)`;

const DELETE_TODOS = 'UNWIND $ids AS id MATCH (t:Todo {id: id}) DETACH DELETE t';

const UPSERT_CATEGORIES = `
UNWIND $categories AS category
MERGE (c:Category {id: category.id})
SET c.name = category.name, c.key = toLower(category.name), c.userId = category.userId`;

const DELETE_CATEGORIES = 'UNWIND $ids AS id MATCH (c:Category {id: id}) DETACH DELETE c';

/**
 * Start-up chores on a reachable Neo4j: the uniqueness constraints, then a rehearsal of every sync
 * statement on a sample todo and category, rolled back. A cold Neo4j takes about a second over
 * the first run of these statements; without the rehearsal that second would land on the first
 * request's inline write, right against its 1 s timeout, and the learner's first todo would come
 * back "pending".
 */
export async function prepareGraph(graph: GraphClient): Promise<void> {
  await graph.ensureSchema();
  const category = { id: -1, name: 'rehearsal', userId: -1 };
  const todo = {
    id: -1,
    userId: -1,
    title: 'rehearsal',
    completed: false,
    createdAt: new Date(0).toISOString(),
    categoryIds: [category.id],
    categories: [category],
  };
  await graph.rehearse([
    { cypher: UPSERT_CATEGORIES, params: { categories: [category] } },
    { cypher: UPSERT_TODOS, params: { todos: [todo] } },
    { cypher: DELETE_TODOS, params: { ids: [todo.id] } },
    { cypher: DELETE_CATEGORIES, params: { ids: [category.id] } },
  ]);
}

export interface GraphSync {
  /** Applies one claimed row and records the outcome in the outbox. */
  processEvent(row: OutboxRow): Promise<ApplyOutcome>;
  /**
   * Applies claimed rows in one Neo4j transaction and records the outcomes. If the batch
   * fails for a reason other than an outage, each row is tried alone, so that one poison
   * event cannot hold back the others. The outcomes are in the order of `rows`.
   */
  processBatch(rows: OutboxRow[]): Promise<ApplyOutcome[]>;
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
  const todosRepository = createTodosRepository(db);
  const categoriesRepository = createCategoriesRepository(db);

  /** Makes the graph match PostgreSQL for these todos: MERGE the ones that exist, delete the rest. */
  async function applyTodos(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await todosRepository.findAnyOwner(ids);
    const categoriesByTodo = await todosRepository.categoriesOf(rows.map((r) => r.id));
    const present = rows.map((todo) => {
      const todoCategories = categoriesByTodo.get(todo.id) ?? [];
      return {
        id: todo.id,
        userId: todo.userId,
        title: todo.title,
        completed: todo.completed,
        createdAt: todo.createdAt.toISOString(),
        categoryIds: todoCategories.map((c) => c.id),
        categories: todoCategories,
      };
    });
    const gone = ids.filter((id) => !rows.some((row) => row.id === id));
    await breaker.fire(() =>
      graph.writeAll(
        [
          ...(present.length > 0 ? [{ cypher: UPSERT_TODOS, params: { todos: present } }] : []),
          ...(gone.length > 0 ? [{ cypher: DELETE_TODOS, params: { ids: gone } }] : []),
        ],
        { operation: 'sync todos' },
      ),
    );
  }

  async function applyCategories(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await categoriesRepository.findAnyOwner(ids);
    const gone = ids.filter((id) => !rows.some((row) => row.id === id));
    await breaker.fire(() =>
      graph.writeAll(
        [
          ...(rows.length > 0
            ? [
                {
                  cypher: UPSERT_CATEGORIES,
                  params: { categories: rows.map(({ id, name, userId }) => ({ id, name, userId })) },
                },
              ]
            : []),
          ...(gone.length > 0 ? [{ cypher: DELETE_CATEGORIES, params: { ids: gone } }] : []),
        ],
        { operation: 'sync categories' },
      ),
    );
  }

  /** Which graph handler an event needs, or a PoisonEventError when there is none. */
  function kindOf(row: OutboxRow): 'todo' | 'category' {
    const id = Number(row.aggregateId);
    if (!Number.isSafeInteger(id)) throw new PoisonEventError(`aggregate id "${row.aggregateId}" is not an id`);
    if (row.aggregateType === 'todo' && row.eventType.startsWith('todo.')) return 'todo';
    if (row.aggregateType === 'category' && row.eventType.startsWith('category.')) return 'category';
    throw new PoisonEventError(`no graph handler for ${row.aggregateType} event "${row.eventType}"`);
  }

  async function apply(rows: OutboxRow[]): Promise<void> {
    const idsOf = (kind: 'todo' | 'category') =>
      rows.filter((r) => kindOf(r) === kind).map((r) => Number(r.aggregateId));
    // Categories first: a todo's BELONGS_TO needs its category.
    await applyCategories(idsOf('category'));
    await applyTodos(idsOf('todo'));
  }

  async function processEvent(row: OutboxRow): Promise<ApplyOutcome> {
    try {
      await apply([row]);
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

  async function processBatch(rows: OutboxRow[]): Promise<ApplyOutcome[]> {
    const isApplicable = (row: OutboxRow) => {
      try {
        kindOf(row);
        return true;
      } catch {
        return false;
      }
    };
    const applicable = rows.filter(isApplicable);
    const outcomes = new Map<number, ApplyOutcome>();
    if (applicable.length > 0) {
      try {
        await apply(applicable);
        await outbox.markDone(applicable.map((row) => row.id));
        for (const row of applicable) {
          deps.onApplied?.(row);
          outcomes.set(row.id, 'done');
        }
      } catch (error) {
        if (isGraphOutage(error)) {
          await outbox.release(
            applicable.map((row) => row.id),
            retry.outageHoldSeconds,
          );
          for (const row of applicable) outcomes.set(row.id, 'outage');
        } else {
          for (const row of applicable) outcomes.set(row.id, await processEvent(row));
        }
      }
    }
    // Events no handler knows go one by one to their failed attempts and, in the end, the dead letters.
    for (const row of rows.filter((r) => !isApplicable(r))) outcomes.set(row.id, await processEvent(row));
    return rows.map((row) => outcomes.get(row.id) ?? 'retry');
  }

  return {
    processEvent,
    processBatch,
    async tryInline(outboxId) {
      // With the breaker open, do not even claim: answer at once and let the worker catch up.
      if (breaker.state() === 'open') return 'pending';
      const [row] = await outbox.claim({ limit: 1, leaseSeconds: retry.outageHoldSeconds, id: outboxId });
      // Not claimable: an earlier event of the same todo is still waiting, so this one waits too.
      if (!row) return 'pending';
      return (await processEvent(row)) === 'done' ? 'synced' : 'pending';
    },
  };
}
