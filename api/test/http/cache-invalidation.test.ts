/**
 * A write on a replica that cannot reach Redis cannot bump the user's cache version: the other
 * replica would serve the old list as a hit. The staleness is bounded: the failed invalidation is
 * retried in the background until Redis answers (not only when someone reads through the replica
 * that failed), and no entry outlives CACHE_TTL_SECONDS. Two apps on one database and one real Redis.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { createFaults } from '../../src/lab/faults.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/services.ts';
import { createTestApp } from '../helpers/test-app.ts';

describe('cache invalidation that cannot reach Redis, on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let redis: Redis;
  const prefix = uniqueKeyPrefix();

  beforeAll(async () => {
    database = await postgresBackend.create();
    redis = connectRedis(testRedisUrl, createLogger({ level: 'silent' }));
    expect(await redisReady(redis, 5000)).toBe(true);
  });
  afterAll(async () => {
    redis?.disconnect();
    await database?.destroy();
  });

  it('reaches the other replica once Redis answers again, without a read through the replica that failed', async () => {
    const faults = createFaults();
    const a = createTestApp(database, { REDIS_KEY_PREFIX: prefix }, { redis, faults });
    const b = createTestApp(database, { REDIS_KEY_PREFIX: prefix }, { redis });
    const { token } = await b.signUp('stale');
    const titles = async () =>
      (await b.send('GET', '/todos', { token })).json.items.map((t: { title: string }) => t.title);
    expect(await titles()).toEqual([]);
    expect((await b.send('GET', '/todos', { token })).headers.get('x-cache')).toBe('hit');

    // A cannot reach Redis (its calls fail), B can: A's create commits, its invalidation fails.
    faults.set('redis', { latencyMs: 0, errorRate: 1 });
    expect((await a.send('POST', '/todos', { token, body: { title: 'written while A lost Redis' } })).status).toBe(201);
    faults.reset();

    // Nobody reads through A; B must still see the create within a few seconds.
    const deadline = Date.now() + 4000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await titles();
      if (seen.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen).toEqual(['written while A lost Redis']);
  });

  it('keeps no entry longer than CACHE_TTL_SECONDS, whose default is the bound the README states', async () => {
    const t = createTestApp(database, { REDIS_KEY_PREFIX: prefix }, { redis });
    expect(t.config.CACHE_TTL_SECONDS).toBe(60);
    const { user, token } = await t.signUp('ttl');
    await t.send('GET', '/todos', { token });
    const [key] = await redis.keys(`${prefix}todos:${user.id}:v*:*`);
    expect(await redis.ttl(key ?? '')).toBeLessThanOrEqual(60);
  });
});
