/** SQL for todos, through drizzle. No business decisions here: see todos.service.ts. */
import { and, asc, desc, eq, exists, ilike, inArray, lt, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/database.ts';
import { prepareStatement } from '../db/prepared.ts';
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

/** The hot statements, built once per database and run on the database or a transaction. */
export function prepareTodoStatements(db: Database) {
  return {
    insert: prepareStatement(db, 'INSERT todos', (d) =>
      d
        .insert(todos)
        .values({
          userId: sql.placeholder('userId'),
          title: sql.placeholder('title'),
          description: sql.placeholder('description'),
          // Raw: the column's encoder (toISOString) would not take a null.
          dueAt: sql`${sql.placeholder('dueAt')}::timestamptz`,
        })
        .returning(),
    ),
  };
}

export type TodoStatements = ReturnType<typeof prepareTodoStatements>;

export function createTodosRepository(db: Executor, statements?: TodoStatements) {
  return {
    async insert(todo: {
      userId: number;
      title: string;
      description: string | null;
      dueAt: Date | null;
    }): Promise<TodoRow> {
      const [row] = statements
        ? await statements.insert.execute(db, { ...todo, dueAt: todo.dueAt?.toISOString() ?? null })
        : await db.insert(todos).values(todo).returning();
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

    /** Adds categories to a todo that has none yet (a new one): no DELETE first. */
    async addCategories(todoId: number, categoryIds: number[]): Promise<void> {
      if (categoryIds.length === 0) return;
      await db.insert(todoCategories).values(categoryIds.map((categoryId) => ({ todoId, categoryId })));
    },

    /** Which of `ids` are the user's categories, with their names, in the order categoriesOf gives. */
    async ownedCategories(userId: number, ids: number[]): Promise<CategoryRef[]> {
      if (ids.length === 0) return [];
      return db
        .select({ id: categories.id, name: categories.name })
        .from(categories)
        .where(and(eq(categories.userId, userId), inArray(categories.id, ids)))
        .orderBy(asc(categories.name), asc(categories.id));
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
