/**
 * Redis in Docker Compose runs with `maxmemory 48mb` and `allkeys-lru`: when it is full, it evicts
 * any key, the rate limits' windows included, and an evicted window is a reset limit. One user's
 * cached lists must not be able to fill it: the store keeps each user's cached bytes in Redis under
 * a budget (CACHE_MAX_BYTES_PER_USER per TTL window). Measured on a Redis of this test's own
 * (port 6390) with Compose's settings, through the real store and the real limiter.
 */
import { spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { redisStore } from '../../src/cache/store.ts';
import { createFaults } from '../../src/lab/faults.ts';
import { memoryRateLimiter, redisRateLimiter } from '../../src/ratelimit/rate-limiter.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

const PORT = 6390;
const prefix = 'flowlab:';

describe("Redis eviction with Compose's settings (maxmemory 48mb, allkeys-lru)", () => {
  const server = spawn('redis-server', [
    '--port',
    String(PORT),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory',
    '48mb',
    '--maxmemory-policy',
    'allkeys-lru',
  ]);
  let redis: Redis;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    redis = connectRedis(`redis://127.0.0.1:${PORT}`, logger);
    expect(await redisReady(redis, 10_000)).toBe(true);
  });
  afterAll(() => {
    redis?.disconnect();
    server.kill('SIGKILL');
  });

  it("cannot reset a user's create limit by filling the cache with distinct queries", async () => {
    const faults = createFaults();
    const limiter = redisRateLimiter({
      limit: 10,
      windowSeconds: 60,
      redis,
      keyPrefix: prefix,
      faults,
      fallback: memoryRateLimiter({ limit: 10, windowSeconds: 60 }),
      logger,
    });
    const store = redisStore(redis, faults, { keyPrefix: prefix, maxBytesPerOwner: 2 * 1024 * 1024 });
    const userId = 7;
    for (let i = 0; i < 9; i++) expect((await limiter.consume(`todo create:user:${userId}`)).allowed).toBe(true);

    // 30,000 distinct list queries of about 2 KB each (60 MB): more than Redis may hold.
    const page = JSON.stringify({ items: [{ title: 'x'.repeat(2000) }], nextCursor: null });
    for (let i = 0; i < 30_000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          store.set(`${prefix}todos:${userId}:v0:q=${i + j}`, page, 60, String(userId)),
        ),
      );
    }
    const info = await redis.info();
    const evicted = Number(/evicted_keys:(\d+)/.exec(info)?.[1]);
    const usedMb = Number(/used_memory:(\d+)/.exec(info)?.[1]) / 1024 / 1024;

    let allowed = 0;
    for (let i = 0; i < 10; i++) if ((await limiter.consume(`todo create:user:${userId}`)).allowed) allowed += 1;
    console.info(
      `after 30,000 cached queries: ${usedMb.toFixed(1)} MB used, ${evicted} keys evicted; ${allowed} of 10 more creates allowed`,
    );
    expect(evicted).toBe(0);
    expect(allowed).toBe(1);
  }, 120_000);
});
