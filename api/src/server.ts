/**
 * The entry point: config -> dependencies (+ migrations) -> app (+ outbox worker) -> listen
 * -> graceful shutdown. `npm start` runs this on Node.js 24, which runs TypeScript directly.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { runMigrations } from './db/migrate.ts';
import { closeDependencies, openDependencies, prepareGraphInBackground } from './dependencies.ts';
import { limitConnections, serverOptions } from './http/server-limits.ts';
import { outboxWorkerFor } from './outbox/wiring.ts';
import { defaultSites, isBuilt } from './sites/static-sites.ts';
import { shutdownTelemetry } from './telemetry/lifecycle.ts';
import { createLogger, prettyLogs } from './telemetry/logger.ts';
import { processTelemetry } from './telemetry/process-telemetry.ts';

const config = loadConfigOrExit();

const logger = createLogger({ level: config.LOG_LEVEL, pretty: prettyLogs(config) });
const deps = await openDependencies(config, logger);
if (config.MIGRATE_ON_START) await runMigrations(deps.database);
const graphPreparation = deps.graph && prepareGraphInBackground(deps.graph.client, logger);
const worker = config.OUTBOX_WORKER ? outboxWorkerFor({ ...deps, config, logger }) : undefined;
worker?.start();

const app = createApp({ ...deps, config, logger, telemetry: processTelemetry });
if (config.LAB_MODE) {
  logger.warn(
    { labMode: true, nodeEnv: config.NODE_ENV },
    'lab mode on: the fault switches at /lab/faults can slow or break the database, the cache, Redis and Neo4j calls',
  );
}

const [docsSite, webSite] = defaultSites({ docs: config.DOCS_DIST_DIR, web: config.WEB_DIST_DIR });
const siteLine = (site: typeof docsSite, base: string, folder: string) =>
  site && isBuilt(site) ? `${base}${site.mount}` : `not built (npm start builds ${folder}/ when it exists)`;

// The server's header, request and keep-alive timeouts (http/server-limits.ts).
const listen = { fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions: serverOptions(config) };
const server = serve(listen, (info) => {
  const base = `http://localhost:${info.port}`;
  logger.info({ port: info.port, database: deps.database.location }, 'listening');
  // A human-readable banner on stderr; stdout stays pure JSON logs.
  console.error(
    [
      '',
      `  Flowlab API     ${base}`,
      `  Walkthrough     ${siteLine(docsSite, base, 'docs')}`,
      `  Web client      ${siteLine(webSite, base, 'web')}`,
      `  API reference   ${base}/reference`,
      `  OpenAPI         ${base}/openapi.json`,
      `  Health          ${base}/healthz  ${base}/readyz`,
      `  Database        ${deps.database.location}`,
      `  Graph           ${deps.graph ? `${deps.graph.client.location}${worker ? ' (outbox worker on)' : ''}` : 'disabled (set NEO4J_URI); events wait in the outbox'}`,
      `  Cache           ${deps.redis ? config.REDIS_URL?.replace(/\/\/[^@]*@/, '//') : 'in process (set REDIS_URL for Redis)'}`,
      `  Lab mode        ${config.LAB_MODE ? `on: fault switches at ${base}/lab/faults (admin token)` : 'off'}`,
      // Only on this terminal: the JSON logs never carry it.
      ...(config.ADMIN_TOKEN_GENERATED
        ? [`  Admin token     ${config.ADMIN_TOKEN}  (generated for this run; set ADMIN_TOKEN to keep one)`]
        : []),
      '',
    ].join('\n'),
  );
});

const connections = limitConnections(server as Server, config);

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
  // A drill ends (its load stops, its faults go); a lab fault left on must not hold in-flight
  // requests (up to 30 s a call) nor outlive the run.
  app.dispose();
  deps.faults.endAll();
  // Past the deadline, cut the connections that are left so the process still exits in time.
  const deadline = setTimeout(() => {
    logger.warn('shutdown deadline reached: closing remaining connections');
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, config.SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  // close() drops the connections idle now; a keep-alive connection that goes idle after
  // its last in-flight response would otherwise hold the exit until its keep-alive timeout.
  // Connections that never sent a request are not "idle" to Node: connections.closeIdle() ends those too.
  connections.closeIdle();
  const sweep = setInterval(() => connections.closeIdle(), 100);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearInterval(sweep);
  clearTimeout(deadline);
  graphPreparation?.stop();
  await worker?.stop();
  await closeDependencies(deps);
  await shutdownTelemetry();
  logger.info('stopped');
  process.exit(0);
}

process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
