import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { type UserRow, users } from '../db/schema.ts';

/** An account as authentication sees it: never the password hash. */
const accountColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  isActive: users.isActive,
  version: users.stateVersion,
};

export function createUsersRepository(db: Executor) {
  // Prepared once (named: PostgreSQL parses and plans it once per connection); the hot path runs
  // it when an account's state is not in the cache.
  const findAccount = db
    .select(accountColumns)
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('SELECT account');

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

    /** The account's non-secret state, or undefined when there is no such account. */
    async findAccount(id: number) {
      const [row] = await findAccount.execute({ id });
      return row;
    },

    /**
     * The account as it now is, or undefined when there is no such account. The state's version
     * rises in the same UPDATE: the row lock orders two changes, so the later commit has the higher one.
     */
    async setActive(id: number, isActive: boolean) {
      const [row] = await db
        .update(users)
        .set({ isActive, stateVersion: sql`${users.stateVersion} + 1` })
        .where(eq(users.id, id))
        .returning(accountColumns);
      return row;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
