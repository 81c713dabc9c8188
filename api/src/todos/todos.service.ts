/**
 * The todo lifecycle's business rules: create, list, read, change, complete, delete.
 *
 * Every change runs in one transaction with its outbox event, so the graph (Neo4j) can
 * never miss a change that PostgreSQL kept; after the commit the graph write is tried
 * inline, and the outbox worker finishes whatever that could not. Reads go through the
 * cache; every write invalidates the user's cached todos. Every query is scoped to the
 * user: another user's todo is simply not found.
 */

import type { Cached, TodoCache } from '../cache/todo-cache.ts';
import { createCategoriesRepository } from '../categories/categories.repository.ts';
import type { Database, Executor } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { TodoRow } from '../db/schema.ts';
import { ProblemError } from '../errors/problem.ts';
import type { GraphSync, GraphWriteStatus } from '../graph/graph-sync.ts';
import { outboxWriter } from '../outbox/outbox.repository.ts';
import { type RateLimitDecision, rateLimitHeaders } from '../ratelimit/decision.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import {
  FLOWLAB_GRAPH_STATUS,
  FLOWLAB_OUTBOX_ID,
  FLOWLAB_RATE_LIMIT_ALLOWED,
  FLOWLAB_RATE_LIMIT_LIMIT,
  FLOWLAB_RATE_LIMIT_REMAINING,
  FLOWLAB_RATE_LIMIT_RESET_SECONDS,
  FLOWLAB_RULE,
} from '../telemetry/attributes.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { step } from '../telemetry/tracing.ts';
import { type CategoryRef, createTodosRepository, prepareTodoStatements } from './todos.repository.ts';
import { applyCompletion, changeKind, decodeCursor, encodeCursor } from './todos.rules.ts';
import type { CreateTodoInput, ListTodosQuery, Todo, TodoPage, UpdateTodoInput } from './todos.schemas.ts';

export function toTodo(row: TodoRow, categories: CategoryRef[]): Todo {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    completedAt: row.completedAt?.toISOString() ?? null,
    dueAt: row.dueAt?.toISOString() ?? null,
    categories,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function notFound(id: number): ProblemError {
  return new ProblemError('not-found', { detail: `Todo ${id} does not exist.` });
}

function duplicateTitle(title: string): ProblemError {
  return new ProblemError('duplicate-title', {
    detail: `You already have a todo titled "${title}".`,
    errors: [{ path: 'title', message: 'is already used by another of your todos' }],
  });
}

/**
 * The duplicate-title rule is the unique index: the write that would break it is the check.
 * A refused write is the client's 409, thrown as a problem where it happens.
 */
async function refuseDuplicateTitle<T>(title: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, 'todos_user_title_unique')) throw duplicateTitle(title);
    throw error;
  }
}

function unknownCategories(ids: number[], owned: Set<number>): void {
  const unknown = ids.filter((id) => !owned.has(id));
  if (unknown.length > 0) {
    throw new ProblemError('validation-failed', {
      detail: `Unknown category ids: ${unknown.join(', ')}.`,
      errors: [{ path: 'categoryIds', message: `unknown category ids: ${unknown.join(', ')}` }],
    });
  }
}

/** Unknown (or someone else's) category ids are a validation error on the field, not a 404. */
async function checkCategoriesOwned(db: Executor, userId: number, ids: number[]): Promise<void> {
  unknownCategories(ids, await createCategoriesRepository(db).ownedIds(userId, ids));
}

export interface TodoWrite {
  todo: Todo;
  /** Whether the graph already has this change ('synced') or the outbox worker will apply it ('pending'). */
  graph: GraphWriteStatus;
}

export function createTodoService(deps: {
  db: Database;
  createLimiter: RateLimiter;
  cache: TodoCache;
  graphSync: Pick<GraphSync, 'tryInline'>;
  metrics?: Pick<Metrics, 'todoChanges' | 'rateLimitRejections'>;
}) {
  const { db, createLimiter, cache, graphSync, metrics } = deps;
  // The create's INSERTs are built once and run on each request's transaction (db/prepared.ts).
  const statements = prepareTodoStatements(db);
  const appendOutboxEvent = outboxWriter(db);

  /** After a committed change: the user's cached todos are stale, and the graph should hear of it. */
  async function afterChange(userId: number, outboxId: number): Promise<GraphWriteStatus> {
    await cache.invalidate(userId);
    return step('graph write', { [FLOWLAB_OUTBOX_ID]: outboxId }, async (span) => {
      const status = await graphSync.tryInline(outboxId);
      span.setAttribute(FLOWLAB_GRAPH_STATUS, status);
      return status;
    });
  }

  async function withCategories(executor: Executor, row: TodoRow): Promise<Todo> {
    const categories = await createTodosRepository(executor).categoriesOf([row.id]);
    return toTodo(row, categories.get(row.id) ?? []);
  }

  return {
    async create(userId: number, input: CreateTodoInput): Promise<TodoWrite & { rateLimit: RateLimitDecision }> {
      const rateLimit = await step('rate limit decision', {}, async (span) => {
        const decision = await createLimiter.consume(`create-todo:user:${userId}`);
        span.setAttributes({
          [FLOWLAB_RATE_LIMIT_LIMIT]: decision.limit,
          [FLOWLAB_RATE_LIMIT_ALLOWED]: decision.allowed,
          [FLOWLAB_RATE_LIMIT_REMAINING]: decision.remaining,
          [FLOWLAB_RATE_LIMIT_RESET_SECONDS]: decision.resetSeconds,
        });
        return decision;
      });
      if (!rateLimit.allowed) {
        metrics?.rateLimitRejections.inc({ limit: 'create-todo' });
        throw new ProblemError('rate-limited', {
          detail: `You can create at most ${rateLimit.limit} todos per minute; try again in ${rateLimit.resetSeconds} s.`,
          headers: rateLimitHeaders(rateLimit),
        });
      }
      // As few round trips as the rules allow: BEGIN, the INSERT that is the duplicate check, the
      // outbox event's INSERT, COMMIT; with categories, one SELECT (ownership and names) and one
      // INSERT more. The todo's categories are what that SELECT found: nothing is read back.
      const committed = await db.transaction(async (tx) => {
        const todos = createTodosRepository(tx, statements);
        const categoryIds = input.categoryIds ?? [];
        const categories = await todos.ownedCategories(userId, categoryIds);
        unknownCategories(categoryIds, new Set(categories.map((c) => c.id)));
        // The duplicate-title rule is the unique index: this insert is the check.
        const row = await step('duplicate check', { [FLOWLAB_RULE]: 'unique title per user' }, () =>
          refuseDuplicateTitle(input.title, () =>
            todos.insert({
              userId,
              title: input.title,
              description: input.description ?? null,
              dueAt: input.dueAt ?? null,
            }),
          ),
        );
        await todos.addCategories(row.id, categoryIds);
        const created = toTodo(row, categories);
        const outboxId = await appendOutboxEvent(tx, {
          aggregateType: 'todo',
          aggregateId: row.id,
          eventType: 'todo.created',
          payload: { userId, todo: created },
        });
        return { todo: created, outboxId };
      });
      metrics?.todoChanges.inc({ change: 'created' });
      return { todo: committed.todo, graph: await afterChange(userId, committed.outboxId), rateLimit };
    },

    async list(userId: number, query: ListTodosQuery): Promise<Cached<TodoPage>> {
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && beforeId === undefined) {
        throw new ProblemError('validation-failed', {
          detail: 'The cursor is not one this API issued.',
          errors: [{ path: 'query.cursor', message: 'is not a valid cursor; use nextCursor from the previous page' }],
        });
      }
      // The cache key holds every parameter that shapes the page, in a fixed order.
      const key = `list:${JSON.stringify([query.completed, query.category, query.q, query.limit, beforeId])}`;
      return cache.read(userId, key, async () => {
        const todos = createTodosRepository(db);
        // One extra row tells whether another page follows.
        const rows = await todos.list(userId, {
          completed: query.completed,
          categoryId: query.category,
          q: query.q,
          beforeId,
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const categories = await todos.categoriesOf(page.map((r) => r.id));
        const last = page.at(-1);
        return {
          items: page.map((row) => toTodo(row, categories.get(row.id) ?? [])),
          nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
        };
      });
    },

    async get(userId: number, id: number): Promise<Cached<Todo>> {
      // A missing todo is not cached: the 404 is thrown from inside the loader.
      return cache.read(userId, `item:${id}`, async () => {
        const row = await createTodosRepository(db).find(userId, id);
        if (!row) throw notFound(id);
        return withCategories(db, row);
      });
    },

    async update(userId: number, id: number, patch: UpdateTodoInput): Promise<TodoWrite> {
      const committed = await db.transaction(async (tx) => {
        const todos = createTodosRepository(tx);
        // Locked so that two concurrent changes to one todo apply (and reach the outbox) in order.
        const before = await todos.find(userId, id, { forUpdate: true });
        if (!before) throw notFound(id);
        if (patch.categoryIds) await checkCategoriesOwned(tx, userId, patch.categoryIds);
        const completion = applyCompletion(before, patch.completed, new Date());
        const after = await refuseDuplicateTitle(patch.title ?? before.title, () =>
          todos.update(userId, id, {
            ...(patch.title !== undefined && { title: patch.title }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.dueAt !== undefined && { dueAt: patch.dueAt }),
            ...completion,
          }),
        );
        if (!after) throw notFound(id);
        if (patch.categoryIds) await todos.setCategories(id, patch.categoryIds);
        const updated = await withCategories(tx, after);
        const change = changeKind(before, after);
        const outboxId = await appendOutboxEvent(tx, {
          aggregateType: 'todo',
          aggregateId: id,
          eventType: change,
          payload: { userId, todo: updated },
        });
        return { todo: updated, outboxId, change };
      });
      if (committed.change !== 'todo.updated')
        metrics?.todoChanges.inc({ change: committed.change.slice('todo.'.length) });
      return { todo: committed.todo, graph: await afterChange(userId, committed.outboxId) };
    },

    async remove(userId: number, id: number): Promise<GraphWriteStatus> {
      const outboxId = await db.transaction(async (tx) => {
        const deleted = await createTodosRepository(tx).delete(userId, id);
        if (!deleted) throw notFound(id);
        return appendOutboxEvent(tx, {
          aggregateType: 'todo',
          aggregateId: id,
          eventType: 'todo.deleted',
          payload: { userId, todoId: id },
        });
      });
      metrics?.todoChanges.inc({ change: 'deleted' });
      return afterChange(userId, outboxId);
    },
  };
}

export type TodoService = ReturnType<typeof createTodoService>;
