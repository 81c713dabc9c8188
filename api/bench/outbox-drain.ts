/**
 * `npm run bench:drain`: how fast the outbox worker drains a backlog after a graph outage.
 *
 * Builds a backlog the way an outage does (todos created while no graph is reachable, so
 * every event stays pending), then starts 1 and then 2 workers against the real Neo4j and
 * times them until the backlog is empty. Needs the services from `npm run services:up`.
 *
 *   BENCH_EVENTS=2000 npm run bench:drain
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { connectPostgres } from '../src/db/database.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { outbox } from '../src/db/schema.ts';
import { breakerOptions } from '../src/dependencies.ts';
import { createGraphBreaker } from '../src/graph/breaker.ts';
import { connectNeo4j } from '../src/graph/neo4j.ts';
import { createFaults } from '../src/lab/faults.ts';
import { createOutboxWorker } from '../src/outbox/outbox-worker.ts';
import { graphSyncFor } from '../src/outbox/wiring.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { processTelemetry } from '../src/telemetry/process-telemetry.ts';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://flowlab:flowlab@127.0.0.1:5432/flowlab';
const neo4jUri = process.env.TEST_NEO4J_URI ?? 'bolt://127.0.0.1:7687';
const events = Number(process.env.BENCH_EVENTS ?? 2000);
const usersCount = 20;

const name = `flowlab_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = connectPostgres({ url: url.toString(), poolMax: 10 });
const logger = createLogger({ level: 'silent' });

try {
  await runMigrations(database);
  // A fresh id range, so this run's nodes never meet an earlier run's in the shared Neo4j.
  const start = (Date.now() % 2000) * 1_000_000 + 1;
  for (const seq of ['users_id_seq', 'todos_id_seq', 'categories_id_seq']) {
    await database.db.execute(sql.raw(`ALTER SEQUENCE ${seq} RESTART WITH ${start}`));
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'bench-secret-0123456789-0123456789-0123456789',
    PASSWORD_SCRYPT_LOG_N: '10',
    TODO_CREATE_LIMIT: '1000000',
    AUTH_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'silent',
  });
  const faults = createFaults();

  async function buildBacklog(): Promise<number> {
    // No graph: this is the API during an outage; every event waits in the outbox.
    const app = createApp({ config, database, logger, faults, telemetry: processTelemetry });
    const send = (path: string, body: unknown, token?: string) =>
      app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
    const perUser = Math.ceil(events / usersCount);
    let created = 0;
    for (let u = 0; u < usersCount && created < events; u++) {
      const email = `bench-${u}-${randomBytes(3).toString('hex')}@example.com`;
      await send('/auth/register', { email, password: 'bench password' });
      const { accessToken } = (await (await send('/auth/login', { email, password: 'bench password' })).json()) as {
        accessToken: string;
      };
      const category = (await (await send('/categories', { name: `cat ${u % 5}` }, accessToken)).json()) as {
        id: number;
      };
      for (let i = 0; i < perUser - 1 && created < events; i++) {
        const response = await send('/todos', { title: `todo ${i}`, categoryIds: [category.id] }, accessToken);
        if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
        created += 1;
      }
    }
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(eq(outbox.status, 'pending'));
    return row?.n ?? 0;
  }

  async function drain(workers: number): Promise<{ events: number; seconds: number }> {
    const backlog = await buildBacklog();
    const client = connectNeo4j({ uri: neo4jUri, faults });
    await client.ensureSchema();
    const breaker = createGraphBreaker(breakerOptions(config), logger);
    const deps = { config, database, logger, faults, graph: { client, breaker } };
    const running = Array.from({ length: workers }, () => {
      const sync = graphSyncFor(deps);
      if (!sync) throw new Error('no graph sync');
      return createOutboxWorker({
        db: database.db,
        sync,
        logger,
        options: {
          batchSize: 50,
          leaseSeconds: 30,
          idleMs: 20,
          maxOutageBackoffMs: 1000,
          retentionSeconds: 86_400,
          requestFirstSeconds: 0,
        },
      });
    });
    const started = performance.now();
    for (const worker of running) worker.start();
    for (;;) {
      const [row] = await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(outbox)
        .where(eq(outbox.status, 'pending'));
      if ((row?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(running.map((worker) => worker.stop()));
    breaker.shutdown();
    await client.close();
    return { events: backlog, seconds };
  }

  console.log(`outbox drain after an outage: PostgreSQL ${url.host}, Neo4j ${neo4jUri}, ${events} todo events per run`);
  // One unreported run first, so that the JIT and Neo4j's caches are warm for the measured ones.
  await drain(1);
  for (const workers of [1, 2, 1, 2]) {
    const { events: drained, seconds } = await drain(workers);
    console.log(
      `  ${workers} worker${workers > 1 ? 's' : ' '}: ${drained} events in ${seconds.toFixed(2)} s = ${Math.round(drained / seconds)} events/s`,
    );
  }
} finally {
  await database.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
