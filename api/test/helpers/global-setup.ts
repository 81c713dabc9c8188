/**
 * Before any test: make sure the real PostgreSQL answers, and fail at once with a
 * useful message when it does not, rather than with fifty connection errors.
 */
import pg from 'pg';
import { testDatabaseUrl } from './backends.ts';

export default async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The tests need a real PostgreSQL at ${testDatabaseUrl.replace(/:[^:@/]*@/, ':***@')} (${reason}).\n` +
        'Start it with `npm run services:up` (Debian), or `docker compose up -d postgres`, or point TEST_DATABASE_URL at one.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
