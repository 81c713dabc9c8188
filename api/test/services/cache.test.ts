/**
 * The cache and the rate limits on a real Redis: cache-aside with X-Cache, invalidation
 * across every filter, the TTL, the sliding window, and Redis stopped mid-test.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { createFaults } from '../../src/lab/faults.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { startService, stopService, testRedisUrl, uniqueKeyPrefix } from '../helpers/services.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('cache and rate limits on a real Redis', () => {
  let database: TestDatabase;
  let redis: Redis;

  /** An app on the real Redis, with its own key prefix. */
  function appWith(overrides: Record<string, string> = {}): TestApp {
    return createTestApp(database, { REDIS_KEY_PREFIX: uniqueKeyPrefix(), ...overrides }, { redis });
  }

  beforeAll(async () => {
    database = await postgresBackend.create();
    redis = connectRedis(testRedisUrl, createLogger({ level: 'silent' }));
    expect(await redisReady(redis, 5000)).toBe(true);
  });

  afterAll(async () => {
    await startService('redis');
    redis?.disconnect();
    await database?.destroy();
  }, 60_000);

  describe('cache-aside', () => {
    it('misses, then hits, for the list and for one todo, keyed per query', async () => {
      const t = appWith({ TODO_CREATE_LIMIT: '100' });
      const { token } = await t.signUp();
      const created = await t.send('POST', '/todos', { token, body: { title: 'cache me' } });

      const first = await t.send('GET', '/todos', { token });
      const second = await t.send('GET', '/todos', { token });
      expect(first.headers.get('x-cache')).toBe('miss');
      expect(second.headers.get('x-cache')).toBe('hit');
      expect(second.json).toEqual(first.json);
      // Another query is another entry.
      expect((await t.send('GET', '/todos?limit=5', { token })).headers.get('x-cache')).toBe('miss');
      expect((await t.send('GET', `/todos/${created.json.id}`, { token })).headers.get('x-cache')).toBe('miss');
      const hit = await t.send('GET', `/todos/${created.json.id}`, { token });
      expect(hit.headers.get('x-cache')).toBe('hit');
      expect(hit.json.title).toBe('cache me');

      // The entries really are in Redis, under the app's prefix.
      const keys = await redis.keys(`${t.config.REDIS_KEY_PREFIX}todos:*`);
      expect(keys.length).toBeGreaterThanOrEqual(4);
    });

    it('never serves a stale list under any filter after a write', async () => {
      const t = appWith({ TODO_CREATE_LIMIT: '100' });
      const { token } = await t.signUp();
      const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'Alpha task' } });
      const queries = [
        '/todos',
        '/todos?completed=false',
        '/todos?completed=true',
        '/todos?q=alpha',
        `/todos/${todo.id}`,
      ];
      for (const query of queries) {
        await t.send('GET', query, { token });
        expect((await t.send('GET', query, { token })).headers.get('x-cache')).toBe('hit');
      }

      await t.send('PATCH', `/todos/${todo.id}`, { token, body: { completed: true, title: 'Alpha done' } });
      const after = Object.fromEntries(
        await Promise.all(queries.map(async (q) => [q, await t.send('GET', q, { token })] as const)),
      );
      for (const query of queries) expect(after[query]?.headers.get('x-cache')).toBe('miss');
      expect(after['/todos?completed=false']?.json.items).toEqual([]);
      expect(after['/todos?completed=true']?.json.items.map((x: { title: string }) => x.title)).toEqual(['Alpha done']);
      expect(after['/todos?q=alpha']?.json.items[0].completed).toBe(true);
      expect(after[`/todos/${todo.id}`]?.json.title).toBe('Alpha done');

      // A deleted category disappears from cached todos too.
      const category = await t.send('POST', '/categories', { token, body: { name: 'temp' } });
      await t.send('PATCH', `/todos/${todo.id}`, { token, body: { categoryIds: [category.json.id] } });
      expect((await t.send('GET', `/todos/${todo.id}`, { token })).json.categories).toHaveLength(1);
      await t.send('DELETE', `/categories/${category.json.id}`, { token });
      expect((await t.send('GET', `/todos/${todo.id}`, { token })).json.categories).toEqual([]);
    });

    it("keeps users apart: one user's write does not touch another's entries", async () => {
      const t = appWith();
      const a = await t.signUp();
      const b = await t.signUp();
      await t.send('GET', '/todos', { token: b.token });
      await t.send('POST', '/todos', { token: a.token, body: { title: 'only mine' } });
      const forB = await t.send('GET', '/todos', { token: b.token });
      expect(forB.headers.get('x-cache')).toBe('hit');
      expect(forB.json.items).toEqual([]);
    });

    it('expires entries after the TTL', async () => {
      const t = appWith({ CACHE_TTL_SECONDS: '1' });
      const { token } = await t.signUp();
      await t.send('GET', '/todos', { token });
      expect((await t.send('GET', '/todos', { token })).headers.get('x-cache')).toBe('hit');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect((await t.send('GET', '/todos', { token })).headers.get('x-cache')).toBe('miss');
    });
  });

  describe('rate limits', () => {
    it('allows exactly 10 creates in the window, refuses the 11th, and frees a slot as the window slides', async () => {
      const t = appWith({ TODO_CREATE_WINDOW_SECONDS: '2' });
      const { token } = await t.signUp();
      for (let i = 1; i <= 10; i++) {
        const response = await t.send('POST', '/todos', { token, body: { title: `t${i}` } });
        expect(response.status).toBe(201);
        expect(response.headers.get('ratelimit-remaining')).toBe(String(10 - i));
      }
      const eleventh = await t.send('POST', '/todos', { token, body: { title: 't11' } });
      expect(eleventh.status).toBe(429);
      expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(eleventh.headers.get('retry-after'))).toBeLessThanOrEqual(2);
      // A refused request does not count: the window still holds exactly 10.
      expect(
        await redis.zcard(
          `${t.config.REDIS_KEY_PREFIX}ratelimit:create-todo:user:${(await t.send('GET', '/auth/me', { token })).json.id}`,
        ),
      ).toBe(10);

      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await t.send('POST', '/todos', { token, body: { title: 't11' } })).status).toBe(201);
    });

    it('shares the window between API replicas (two apps, one Redis)', async () => {
      const prefix = uniqueKeyPrefix();
      const one = createTestApp(database, { REDIS_KEY_PREFIX: prefix, TODO_CREATE_LIMIT: '4' }, { redis });
      const two = createTestApp(database, { REDIS_KEY_PREFIX: prefix, TODO_CREATE_LIMIT: '4' }, { redis });
      const { token } = await one.signUp();
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 ? two : one;
        statuses.push((await app.send('POST', '/todos', { token, body: { title: `replica ${i}` } })).status);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    });

    it('limits /auth/* per client address', async () => {
      const t = appWith({ AUTH_RATE_LIMIT: '3' });
      const body = { email: 'stuffing@example.com', password: 'not the password' };
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await t.send('POST', '/auth/login', { body })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });

  describe('Redis unreachable while keeping its data (a lab fault, not a restart)', () => {
    it('does not serve an entry whose invalidation was missed', async () => {
      const faults = createFaults();
      const t = createTestApp(database, { REDIS_KEY_PREFIX: uniqueKeyPrefix() }, { redis, faults });
      const { token } = await t.signUp();
      const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'cached title' } });
      await t.send('GET', `/todos/${todo.id}`, { token });
      expect((await t.send('GET', `/todos/${todo.id}`, { token })).headers.get('x-cache')).toBe('hit');

      faults.set('redis', { latencyMs: 0, errorRate: 1 });
      expect((await t.send('PATCH', `/todos/${todo.id}`, { token, body: { title: 'new title' } })).status).toBe(200);
      faults.reset();

      // The old entry is still in Redis, under the version the missed bump would have retired.
      const after = await t.send('GET', `/todos/${todo.id}`, { token });
      expect(after.json.title).toBe('new title');
      expect(after.headers.get('x-cache')).toBe('miss');
    });
  });

  describe('Redis stopped mid-test', () => {
    it('bypasses the cache, keeps limiting in memory, fails no request, and serves nothing stale afterwards', async () => {
      const t = appWith({ TODO_CREATE_LIMIT: '3' });
      const { token } = await t.signUp();
      const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'before' } });
      await t.send('GET', `/todos/${todo.id}`, { token });
      expect((await t.send('GET', `/todos/${todo.id}`, { token })).headers.get('x-cache')).toBe('hit');

      await stopService('redis');
      try {
        const read = await t.send('GET', `/todos/${todo.id}`, { token });
        expect(read.status).toBe(200);
        expect(read.headers.get('x-cache')).toBe('bypass');
        // A write while Redis is down: its invalidation cannot reach Redis.
        const renamed = await t.send('PATCH', `/todos/${todo.id}`, { token, body: { title: 'during' } });
        expect(renamed.status).toBe(200);
        expect((await t.send('GET', '/todos', { token })).status).toBe(200);
        // The create limit falls back to memory: still enforced, never a 5xx.
        const creates = [];
        for (let i = 0; i < 4; i++)
          creates.push((await t.send('POST', '/todos', { token, body: { title: `down ${i}` } })).status);
        expect(creates).toEqual([201, 201, 201, 429]);
        const ready = await t.send('GET', '/readyz');
        expect(ready.json).toMatchObject({ status: 'degraded', checks: { redis: { status: 'down' } } });
      } finally {
        await startService('redis');
      }

      // Redis is back with the entry cached before the outage still in it: it must not be served.
      let after = await t.send('GET', `/todos/${todo.id}`, { token });
      for (let i = 0; i < 50 && after.headers.get('x-cache') === 'bypass'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await t.send('GET', `/todos/${todo.id}`, { token });
      }
      expect(after.headers.get('x-cache')).toBe('miss');
      expect(after.json.title).toBe('during');
      expect((await t.send('GET', `/todos/${todo.id}`, { token })).headers.get('x-cache')).toBe('hit');
    }, 60_000);
  });
});
