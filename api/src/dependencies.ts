/**
 * The outside world the API talks to, opened once from the config: PostgreSQL (or PGlite),
 * and, when configured, Neo4j (behind its circuit breaker) and Redis. Passed to createApp and
 * to the outbox worker; tests build the same object around their own real servers.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { connectRedis, redisReady } from './cache/redis.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import type { OutboxRow } from './db/schema.ts';
import { createGraphBreaker, type GraphBreaker } from './graph/breaker.ts';
import { prepareGraph } from './graph/graph-sync.ts';
import type { GraphClient } from './graph/neo4j.ts';
import { createFaults, type Faults } from './lab/faults.ts';
import { untraced } from './telemetry/tracing.ts';

export interface Graph {
  client: GraphClient;
  breaker: GraphBreaker;
}

export interface Dependencies {
  database: DatabaseHandle;
  faults: Faults;
  /** Undefined when NEO4J_URI is unset: the graph is disabled. */
  graph?: Graph;
  /** Undefined when REDIS_URL is unset: cache and rate limits live in memory. */
  redis?: Redis;
}

/**
 * What a process builds its parts from (createApp, the outbox worker): the opened dependencies,
 * with the config and the logger they were opened with.
 */
export interface Runtime extends Dependencies {
  config: Config;
  logger: Logger;
  /** Called after each outbox event reaches the graph (tests count applications). */
  onGraphApplied?: (row: OutboxRow) => void;
}

export function breakerOptions(config: Config) {
  return {
    timeoutMs: config.GRAPH_TIMEOUT_MS,
    resetTimeoutMs: config.BREAKER_RESET_MS,
    volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
    errorThresholdPercentage: config.BREAKER_ERROR_PERCENT,
  };
}

/** Prepares the graph (constraints, planned sync statements), retrying in the background while Neo4j is down. */
export function prepareGraphInBackground(graph: GraphClient, logger: Logger, retryMs = 5000): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async () => {
    try {
      await untraced(() => prepareGraph(graph));
      logger.info({ dependency: 'neo4j' }, 'graph constraints in place, sync statements planned');
    } catch (error) {
      logger.warn({ dependency: 'neo4j', err: error }, 'graph not prepared yet; retrying');
      if (!stopped) timer = setTimeout(attempt, retryMs);
    }
  };
  void attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export async function openDependencies(config: Config, logger: Logger): Promise<Dependencies> {
  const faults = createFaults();
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    faults,
  });
  // The Neo4j driver is loaded only when a graph is configured: without one it would be memory for nothing.
  const graph = config.NEO4J_URI
    ? {
        client: (await import('./graph/neo4j.ts')).connectNeo4j({
          uri: config.NEO4J_URI,
          user: config.NEO4J_USER,
          password: config.NEO4J_PASSWORD,
          faults,
        }),
        breaker: createGraphBreaker(breakerOptions(config), logger),
      }
    : undefined;
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
  // Give Redis a moment so the first requests do not bypass the cache; a Redis that is down
  // does not hold the start-up (the API runs degraded and reconnects in the background).
  if (redis && !(await redisReady(redis, 3000))) {
    logger.warn({ dependency: 'redis' }, 'redis not reachable at start-up; cache bypassed until it is');
  }
  return { database, faults, graph, redis };
}

export async function closeDependencies(deps: Dependencies): Promise<void> {
  deps.graph?.breaker.shutdown();
  await Promise.allSettled([deps.graph?.client.close(), deps.redis?.quit(), deps.database.close()]);
}
