/**
 * Before any test: make sure the real PostgreSQL, Redis and Neo4j answer, and fail at once
 * with a useful message when one does not, rather than with a hundred connection errors.
 */
import { Redis } from 'ioredis';
import neo4j, { type AuthToken } from 'neo4j-driver-lite';
import pg from 'pg';
import { testDatabaseUrl } from './backends.ts';
import { testNeo4jUri, testRedisUrl } from './services.ts';

const hidePassword = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis(): Promise<void> {
  const redis = new Redis(testRedisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

async function checkNeo4j(): Promise<void> {
  const driver = neo4j.driver(testNeo4jUri, neo4j.auth.none() as AuthToken, { connectionTimeout: 5000 });
  try {
    await driver.executeQuery('RETURN 1');
  } finally {
    await driver.close();
  }
}

export default async function checkServices(): Promise<void> {
  const checks = [
    ['PostgreSQL', hidePassword(testDatabaseUrl), 'TEST_DATABASE_URL', checkPostgres],
    ['Redis', testRedisUrl, 'TEST_REDIS_URL', checkRedis],
    ['Neo4j', testNeo4jUri, 'TEST_NEO4J_URI', checkNeo4j],
  ] as const;
  const failures: string[] = [];
  await Promise.all(
    checks.map(async ([name, url, variable, check]) => {
      try {
        await check();
      } catch (error) {
        failures.push(`  ${name} at ${url} (${variable}): ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  if (failures.length > 0) {
    throw new Error(
      `The tests run against real services, and these did not answer:\n${failures.join('\n')}\n` +
        'Start them with `npm run services:up` (natively, on Debian or Ubuntu), or with Docker, or point the variables at yours.',
    );
  }
}
