import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { type UserRow, users } from '../db/schema.ts';

export function createUsersRepository(db: Executor) {
  return {
    async insert(user: { email: string; name: string | null; passwordHash: string }): Promise<UserRow> {
      const [row] = await db.insert(users).values(user).returning();
      if (!row) throw new Error('insert into users returned no row');
      return row;
    },

    async findByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      return row;
    },

    async findById(id: number): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row;
    },

    /** False when there is no such account. */
    async setActive(id: number, isActive: boolean): Promise<boolean> {
      const rows = await db.update(users).set({ isActive }).where(eq(users.id, id)).returning({ id: users.id });
      return rows.length > 0;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
