/**
 * A statement's span belongs to the request that ran it, even when it waited for a connection:
 * pg-pool hands a freed client to the next waiting query from inside the release of the request
 * that freed it, so without care the waiting query would run (and be traced) in that other
 * request's context, and one user's trace would show another's statement.
 */
import { context, trace } from '@opentelemetry/api';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type DatabaseHandle } from '../../src/db/database.ts';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { inMemorySpans } from '../helpers/in-memory-spans.ts';

const spans = inMemorySpans();
afterAll(async () => spans.shutdown());

describe('PostgreSQL spans under a full pool', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await postgresBackend.create();
    // One connection: the second request must wait for the first one's.
    handle = connectPostgres({ url: database.url ?? '', poolMax: 1 });
  });

  afterAll(async () => {
    await handle?.close();
    await database?.destroy();
  });

  it("puts a query that waited for a connection in its own request's trace", async () => {
    const tracer = trace.getTracer('test');
    const request = (name: string, statement: ReturnType<typeof sql>) =>
      tracer.startActiveSpan(name, async (span) => {
        await handle.db.execute(statement);
        span.end();
        return span.spanContext().traceId;
      });
    const [first, second] = await Promise.all([
      request('first request', sql`select pg_sleep(0.2)`),
      // Started once the first holds the only connection.
      new Promise<string>((resolve) =>
        setTimeout(() => resolve(context.with(context.active(), () => request('second request', sql`select 2`))), 50),
      ),
    ]);
    const statementsOf = (traceId: string) =>
      spans
        .spansOf(traceId)
        .filter((s) => s.kind === 'CLIENT')
        .map((s) => String(s.attributes['db.query.text']));
    expect(statementsOf(first)).toEqual(['select pg_sleep(0.2)']);
    expect(statementsOf(second)).toEqual(['select 2']);
  });
});
