/** Categories: a user's own labels for todos. Changes reach the graph through the outbox. */
import type { TodoCache } from '../cache/todo-cache.ts';
import type { Database } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { CategoryRow } from '../db/schema.ts';
import { ProblemError } from '../errors/problem.ts';
import type { GraphSync, GraphWriteStatus } from '../graph/graph-sync.ts';
import { appendOutboxEvent } from '../outbox/outbox.repository.ts';
import { FLOWLAB_GRAPH_STATUS, FLOWLAB_OUTBOX_ID } from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';
import { createCategoriesRepository } from './categories.repository.ts';
import type { Category } from './categories.schemas.ts';

function toCategory(row: CategoryRow): Category {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}

export function createCategoryService(deps: {
  db: Database;
  cache: TodoCache;
  graphSync: Pick<GraphSync, 'tryInline'>;
}) {
  const { db, cache, graphSync } = deps;

  /** The same step as a todo's: the graph hears of the change inline, or the worker applies it later. */
  function graphWrite(outboxId: number): Promise<GraphWriteStatus> {
    return step('graph write', { [FLOWLAB_OUTBOX_ID]: outboxId }, async (span) => {
      const status = await graphSync.tryInline(outboxId);
      span.setAttribute(FLOWLAB_GRAPH_STATUS, status);
      return status;
    });
  }

  return {
    async create(userId: number, name: string): Promise<Category> {
      try {
        const { category, outboxId } = await db.transaction(async (tx) => {
          const row = await createCategoriesRepository(tx).insert({ userId, name });
          const category = toCategory(row);
          const outboxId = await appendOutboxEvent(tx, {
            aggregateType: 'category',
            aggregateId: row.id,
            eventType: 'category.created',
            payload: { userId, category },
          });
          return { category, outboxId };
        });
        await graphWrite(outboxId);
        return category;
      } catch (error) {
        if (isUniqueViolation(error, 'categories_user_name_unique')) {
          throw new ProblemError('duplicate-category', {
            detail: `You already have a category named "${name}".`,
            errors: [{ path: 'name', message: 'is already used by another of your categories' }],
          });
        }
        throw error;
      }
    },

    async list(userId: number): Promise<Category[]> {
      return (await createCategoriesRepository(db).list(userId)).map(toCategory);
    },

    /** Deleting a category removes it from its todos (the join rows cascade); the todos stay. */
    async remove(userId: number, id: number): Promise<void> {
      const outboxId = await db.transaction(async (tx) => {
        const deleted = await createCategoriesRepository(tx).delete(userId, id);
        if (!deleted) throw new ProblemError('not-found', { detail: `Category ${id} does not exist.` });
        return appendOutboxEvent(tx, {
          aggregateType: 'category',
          aggregateId: id,
          eventType: 'category.deleted',
          payload: { userId, categoryId: id },
        });
      });
      // The user's cached todos list this category: they are stale now.
      await cache.invalidate(userId);
      await graphWrite(outboxId);
    },
  };
}

export type CategoryService = ReturnType<typeof createCategoryService>;
