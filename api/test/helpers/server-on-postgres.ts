/**
 * `npm start` on a PostgreSQL database of the test file's own: created and started before the
 * file's tests, stopped and dropped after them. PostgreSQL rather than the embedded PGlite: it
 * starts faster on a loaded machine, and the writes are real ones.
 *
 *   const server = serverOnPostgres({ SHUTDOWN_TIMEOUT_MS: '8000' });
 *   it('…', async () => { await fetch(`${server().base}/healthz`); });
 */
import { afterAll, beforeAll } from 'vitest';
import { postgresBackend, type TestDatabase } from './backends.ts';
import { type StartedServer, startServer } from './start-server.ts';

export function serverOnPostgres(env: Record<string, string> = {}): () => StartedServer {
  let database: TestDatabase | undefined;
  let server: StartedServer | undefined;
  beforeAll(async () => {
    database = await postgresBackend.create();
    server = await startServer({ DATABASE_URL: database.url ?? '', ...env });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await database?.destroy();
  });
  return () => {
    if (!server) throw new Error('the server starts in beforeAll: read it inside a test');
    return server;
  };
}
