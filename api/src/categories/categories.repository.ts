/** SQL for categories, through drizzle. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { type CategoryRow, categories } from '../db/schema.ts';

export function createCategoriesRepository(db: Executor) {
  return {
    async insert(category: { userId: number; name: string }): Promise<CategoryRow> {
      const [row] = await db.insert(categories).values(category).returning();
      if (!row) throw new Error('insert into categories returned no row');
      return row;
    },

    async list(userId: number): Promise<CategoryRow[]> {
      return db
        .select()
        .from(categories)
        .where(eq(categories.userId, userId))
        .orderBy(asc(categories.name), asc(categories.id));
    },

    async delete(userId: number, id: number): Promise<CategoryRow | undefined> {
      const [row] = await db
        .delete(categories)
        .where(and(eq(categories.id, id), eq(categories.userId, userId)))
        .returning();
      return row;
    },

    /** Which of `ids` belong to the user. */
    async ownedIds(userId: number, ids: number[]): Promise<Set<number>> {
      if (ids.length === 0) return new Set();
      const rows = await db
        .select({ id: categories.id })
        .from(categories)
        .where(and(eq(categories.userId, userId), inArray(categories.id, ids)));
      return new Set(rows.map((r) => r.id));
    },

    /** The categories among `ids`, whoever owns them: the graph sync mirrors every user's categories. */
    async findAnyOwner(ids: number[]): Promise<CategoryRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(categories).where(inArray(categories.id, ids));
    },
  };
}

export type CategoriesRepository = ReturnType<typeof createCategoriesRepository>;
