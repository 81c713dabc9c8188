/**
 * A PGlite error as spans and logs show it: the database's reason and SQLSTATE, as node-postgres's
 * error reads on PostgreSQL; not the SQL text in the message, nor frames of minified WebAssembly.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withoutValues } from '../../src/telemetry/error-without-values.ts';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await db.query('create table todos (title text primary key)');
  await db.query('insert into todos values ($1)', ['kept private']);
});
afterAll(() => db?.close());

it("reads a PGlite unique violation as the database's reason, with no SQL, value or wasm frame", async () => {
  const error = await db.query('insert into todos values ($1)', ['kept private']).catch((e: unknown) => e);
  const safe = withoutValues(error);
  expect(safe.message).toBe('duplicate key value violates unique constraint "todos_pkey"');
  expect(safe).toMatchObject({ code: '23505', constraint: 'todos_pkey' });
  expect(safe.stack).not.toMatch(/wasm/);
  expect(`${safe.stack}${JSON.stringify(safe)}`).not.toMatch(/insert into|kept private/i);
});
