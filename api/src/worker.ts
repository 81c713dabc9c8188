/**
 * `npm run worker`: the outbox worker alone, without the HTTP API (a second replica of the
 * asynchronous half, or a worker for an API started with OUTBOX_WORKER=0).
 */
import { loadConfigOrExit } from './config.ts';
import { closeDependencies, openDependencies, prepareGraphInBackground } from './dependencies.ts';
import { outboxWorkerFor } from './outbox/wiring.ts';
import { shutdownTelemetry } from './telemetry/lifecycle.ts';
import { createLogger, prettyLogs } from './telemetry/logger.ts';

const config = loadConfigOrExit();

const logger = createLogger({ level: config.LOG_LEVEL, name: 'flowlab-outbox-worker', pretty: prettyLogs(config) });
if (!config.NEO4J_URI) {
  logger.error('NEO4J_URI is not set: the outbox worker has no graph to write to');
  process.exit(1);
}
const deps = await openDependencies(config, logger);
const graphPreparation = deps.graph && prepareGraphInBackground(deps.graph.client, logger);
const worker = outboxWorkerFor({ ...deps, config, logger });
worker?.start();

async function shutdown(): Promise<void> {
  graphPreparation?.stop();
  await worker?.stop();
  await closeDependencies(deps);
  await shutdownTelemetry();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
