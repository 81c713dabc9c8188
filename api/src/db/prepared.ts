/**
 * Statements built once and run on whichever executor a repository is given: the database or
 * a transaction.
 *
 * drizzle's `.prepare(name)` binds the prepared query to the executor that built it. A
 * transaction is a new executor every time, so a repository working inside one would build
 * its SQL again on every call, which costs more than PostgreSQL takes to run the INSERT
 * (bench/README.md, "Query building"). Here the statement is
 * built once against the database; a transaction runs the same prepared query on its own
 * connection. The name makes node-postgres send a named statement, which PostgreSQL parses
 * and plans once per connection; PGlite ignores it. The statement's span is named from its text
 * (`INSERT todos`, telemetry/db-query-summary.ts), on either database.
 */
import type { Database, Executor } from './database.ts';

interface PreparedQuery<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** drizzle keeps the connection a prepared query runs on in `client`, for both drivers we use. */
type WithClient = { client: unknown };

export interface Statement<R> {
  execute(executor: Executor, values: Record<string, unknown>): Promise<R>;
}

export function prepareStatement<R>(
  db: Database,
  name: string,
  build: (db: Database) => { prepare(name: string): PreparedQuery<R> },
): Statement<R> {
  const template = build(db).prepare(name);
  if (!('client' in template)) throw new Error(`drizzle's prepared query "${name}" has no client: see db/prepared.ts`);
  return {
    execute(executor, values) {
      if (executor === db) return template.execute(values);
      // The transaction's own connection: the same SQL, fields and row mapping, on the transaction.
      const { client } = (executor as unknown as { session: WithClient }).session;
      const onTransaction: PreparedQuery<R> & WithClient = Object.create(template);
      onTransaction.client = client;
      return onTransaction.execute(values);
    },
  };
}
