/**
 * The real Neo4j and Redis servers the service suites use, and the switches that stop and
 * start them (scripts/services.sh, the same script CI and developers use).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { breakerOptions, type Graph } from '../../src/dependencies.ts';
import { createGraphBreaker } from '../../src/graph/breaker.ts';
import { connectNeo4j } from '../../src/graph/neo4j.ts';
import type { Faults } from '../../src/lab/faults.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

const run = promisify(execFile);
const servicesScript = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url));

export const testNeo4jUri = process.env.TEST_NEO4J_URI ?? 'bolt://127.0.0.1:7687';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type ServiceName = 'neo4j' | 'redis';

/** Stops a real service; the suites that call this run alone, never beside other files. */
export async function stopService(name: ServiceName): Promise<void> {
  await run('bash', [servicesScript, 'down', name], { timeout: 60_000 });
}

export async function startService(name: ServiceName): Promise<void> {
  await run('bash', [servicesScript, 'up', name], { timeout: 180_000 });
}

/** A real Neo4j client behind a real breaker, configured like the API's. */
export function openTestGraph(config: Config, faults: Faults): Graph {
  return {
    client: connectNeo4j({ uri: testNeo4jUri, faults }),
    breaker: createGraphBreaker(breakerOptions(config), createLogger({ level: 'silent' })),
  };
}

export function openTestRedis(): Redis {
  return new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 });
}

/** A key prefix of its own, so suites sharing one Redis never see each other's keys. */
export function uniqueKeyPrefix(): string {
  return `flowlab-test:${randomBytes(4).toString('hex')}:`;
}

/**
 * One Neo4j serves every test database, and each database numbers its rows from 1: moving
 * the id sequences to a random block keeps one suite's todo 1 from being another's. A block is
 * 10,000 ids (no suite makes that many rows) and there are 200,000 of them within the integer
 * ids, so two runs meet with a chance of 1 in 200,000. With 2,000 blocks of a million, the dozens
 * of runs a local Neo4j sees in a day had a fair chance that some two of them shared users.
 */
export async function moveIdSequences(db: Database): Promise<void> {
  const start = randomInt(1, 200_000) * 10_000;
  for (const sequence of ['users_id_seq', 'todos_id_seq', 'categories_id_seq']) {
    await db.execute(sql.raw(`ALTER SEQUENCE ${sequence} RESTART WITH ${start}`));
  }
}

/** Polls until `check` passes or the time is up. */
export async function eventually<T>(
  check: () => Promise<T>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
  throw lastError;
}
