/** SQL for todos, through drizzle. No business decisions here: see todos.service.ts. */
import { and, desc, eq, exists, ilike, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { categories, type TodoRow, todoCategories, todos } from '../db/schema.ts';
import { escapeLikePattern } from './todos.rules.ts';

export interface TodoFilter {
  completed?: boolean;
  categoryId?: number;
  q?: string;
  /** Only todos with an id below this one (the cursor). */
  beforeId?: number;
  limit: number;
}

export type CategoryRef = { id: number; name: string };

export function createTodosRepository(db: Executor) {
  return {
    async insert(todo: {
      userId: number;
      title: string;
      description: string | null;
      dueAt: Date | null;
    }): Promise<TodoRow> {
      const [row] = await db.insert(todos).values(todo).returning();
      if (!row) throw new Error('insert into todos returned no row');
      return row;
    },

    async find(userId: number, id: number, options: { forUpdate?: boolean } = {}) {
      const query = db
        .select()
        .from(todos)
        .where(and(eq(todos.id, id), eq(todos.userId, userId)))
        .limit(1);
      const [row] = options.forUpdate ? await query.for('update') : await query;
      return row;
    },

    async list(userId: number, filter: TodoFilter): Promise<TodoRow[]> {
      const conditions = [eq(todos.userId, userId)];
      if (filter.completed !== undefined) conditions.push(eq(todos.completed, filter.completed));
      if (filter.q) conditions.push(ilike(todos.title, `%${escapeLikePattern(filter.q)}%`));
      if (filter.beforeId !== undefined) conditions.push(lt(todos.id, filter.beforeId));
      if (filter.categoryId !== undefined) {
        conditions.push(
          exists(
            db
              .select({ one: sql`1` })
              .from(todoCategories)
              .where(and(eq(todoCategories.todoId, todos.id), eq(todoCategories.categoryId, filter.categoryId))),
          ),
        );
      }
      return db
        .select()
        .from(todos)
        .where(and(...conditions))
        .orderBy(desc(todos.id))
        .limit(filter.limit);
    },

    async update(
      userId: number,
      id: number,
      changes: Partial<Pick<TodoRow, 'title' | 'description' | 'completed' | 'completedAt' | 'dueAt'>>,
    ): Promise<TodoRow | undefined> {
      const [row] = await db
        .update(todos)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(eq(todos.id, id), eq(todos.userId, userId)))
        .returning();
      return row;
    },

    async delete(userId: number, id: number): Promise<TodoRow | undefined> {
      const [row] = await db
        .delete(todos)
        .where(and(eq(todos.id, id), eq(todos.userId, userId)))
        .returning();
      return row;
    },

    /** Replaces a todo's categories with `categoryIds` (already checked to be the owner's). */
    async setCategories(todoId: number, categoryIds: number[]): Promise<void> {
      await db.delete(todoCategories).where(eq(todoCategories.todoId, todoId));
      if (categoryIds.length > 0) {
        await db.insert(todoCategories).values(categoryIds.map((categoryId) => ({ todoId, categoryId })));
      }
    },

    /** The categories of each todo, in one query for a whole page. */
    async categoriesOf(todoIds: number[]): Promise<Map<number, CategoryRef[]>> {
      const byTodo = new Map<number, CategoryRef[]>(todoIds.map((id) => [id, []]));
      if (todoIds.length === 0) return byTodo;
      const rows = await db
        .select({ todoId: todoCategories.todoId, id: categories.id, name: categories.name })
        .from(todoCategories)
        .innerJoin(categories, eq(categories.id, todoCategories.categoryId))
        .where(inArray(todoCategories.todoId, todoIds))
        .orderBy(categories.name, categories.id);
      for (const { todoId, id, name } of rows) byTodo.get(todoId)?.push({ id, name });
      return byTodo;
    },

    /** The todos among `ids`, whoever owns them: the graph sync mirrors every user's todos. */
    async findAnyOwner(ids: number[]): Promise<TodoRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(todos).where(inArray(todos.id, ids));
    },
  };
}

export type TodosRepository = ReturnType<typeof createTodosRepository>;
