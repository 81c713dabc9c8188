/** Database span names: the operation and its table, as the semantic conventions' db.query.summary. */
import { expect, it } from 'vitest';
import { querySummary } from '../../src/telemetry/db-query-summary.ts';

it.each([
  ['insert into "todos" ("id", "user_id") values (default, $1) returning "id"', 'INSERT todos'],
  ['select "id", "email" from "users" where "users"."id" = $1 limit $2', 'SELECT users'],
  ['update "outbox" set "status" = $1 where "outbox"."id" = $2', 'UPDATE outbox'],
  ['delete from "todos" where ("todos"."user_id" = $1 and "todos"."id" = $2)', 'DELETE todos'],
  ['select count(*) from "public"."todo_categories"', 'SELECT todo_categories'],
  ['begin', 'BEGIN'],
  ['COMMIT;', 'COMMIT'],
  ['select 1', 'SELECT'],
  ['  ', 'QUERY'],
])('%s → %s', (text, name) => {
  expect(querySummary(text)).toBe(name);
});
