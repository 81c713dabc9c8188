/**
 * The entry point: config -> database (+ migrations) -> app -> listen -> graceful shutdown.
 * `npm start` runs this on Node.js 24, which runs TypeScript directly (type stripping).
 */
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { runMigrations } from './db/migrate.ts';
import { createLogger } from './telemetry/logger.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger({ level: config.LOG_LEVEL });
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  poolMax: config.DATABASE_POOL_MAX,
  pgliteDataDir: config.PGLITE_DATA_DIR,
});
if (config.MIGRATE_ON_START) await runMigrations(database);

const app = createApp({ config, database, logger });

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  const base = `http://localhost:${info.port}`;
  logger.info({ port: info.port, database: database.location }, 'listening');
  // A human-readable banner on stderr; stdout stays pure JSON logs.
  console.error(
    [
      '',
      `  Flowlab API     ${base}`,
      `  API reference   ${base}/reference`,
      `  OpenAPI         ${base}/openapi.json`,
      `  Health          ${base}/healthz  ${base}/readyz`,
      `  Database        ${database.location}`,
      '',
    ].join('\n'),
  );
});

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
  // Past the deadline, cut the connections that are left so the process still exits in time.
  const deadline = setTimeout(() => {
    logger.warn('shutdown deadline reached: closing remaining connections');
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, config.SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  // close() drops the connections idle now; a keep-alive connection that goes idle after
  // its last in-flight response would otherwise hold the exit until its keep-alive timeout.
  const sweep = setInterval(() => {
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  }, 100);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearInterval(sweep);
  clearTimeout(deadline);
  await database.close();
  logger.info('stopped');
  process.exit(0);
}

process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
