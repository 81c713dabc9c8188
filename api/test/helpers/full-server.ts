/**
 * The real `npm start` on the real services (PostgreSQL, Redis, Neo4j), and a client whose
 * every request carries a fresh traceparent, so a test knows each request's trace id.
 */
import { postgresBackend, type TestDatabase } from './backends.ts';
import { moveIdSequences, testNeo4jUri, testRedisUrl, uniqueKeyPrefix } from './services.ts';
import { type StartedServer, startServer } from './start-server.ts';
import { TEST_JWT_SECRET } from './test-app.ts';
import { newTraceparent } from './traces.ts';

export interface FullServer {
  database: TestDatabase;
  server: StartedServer;
  stop(): Promise<void>;
}

/** A fresh database, then the server on it and on the shared Redis and Neo4j; `env` adds or overrides. */
export async function startFullServer(env: Record<string, string> = {}): Promise<FullServer> {
  const database = await postgresBackend.create();
  await moveIdSequences(database.db);
  const server = await startServer({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    PASSWORD_SCRYPT_LOG_N: '10',
    DATABASE_URL: database.url ?? '',
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: uniqueKeyPrefix(),
    NEO4J_URI: testNeo4jUri,
    ...env,
  });
  return {
    database,
    server,
    async stop() {
      await server.stop();
      await database.destroy();
    },
  };
}

/** Sends JSON requests with a new traceparent each, and the bearer token once one is set. */
export function tracedClient(base: () => string) {
  let token = '';
  const client = {
    setToken(value: string) {
      token = value;
    },
    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const { traceparent, traceId, parentSpanId } = newTraceparent();
      const response = await fetch(`${base()}${path}`, {
        method,
        headers: {
          traceparent,
          ...(token && { Authorization: `Bearer ${token}` }),
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered.
      const json: any = text ? JSON.parse(text) : undefined;
      return { response, status: response.status, json, traceId, parentSpanId };
    },

    /** Runs `work` while every Neo4j call fails (the lab's fault switch; needs LAB_MODE and the admin token). */
    async whileNeo4jFails<T>(adminToken: string, work: () => Promise<T>): Promise<T> {
      const admin = { Authorization: `Bearer ${adminToken}` };
      await client.call('PUT', '/lab/faults/neo4j', { errorRate: 1 }, admin);
      try {
        return await work();
      } finally {
        await client.call('DELETE', '/lab/faults', undefined, admin);
      }
    },
  };
  return client;
}
