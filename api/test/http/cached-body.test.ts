/**
 * A cache hit sends the stored JSON text as it is, without parsing it and serialising it again:
 * so a hit's response must be byte for byte the miss's (body, Content-Type), and what a miss
 * stores must be exactly what it sent. On PostgreSQL and PGlite, with the in-process store and Redis.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf } from '../helpers/responses.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/services.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

/** Text that JSON.stringify escapes or keeps as it is: quotes, a backslash, U+2028, non-ASCII, an emoji. */
const awkward = 'say "hi" \\ to \u2028 Zoë — 😀 <b>&</b>';

async function answer(response: Response) {
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    contentType: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()).toString('hex'),
  };
}

describe.each(backends)('cached bodies on $name', (backend) => {
  let database: TestDatabase;
  let redis: Redis;
  const prefix = uniqueKeyPrefix();
  const apps: [string, () => TestApp][] = [
    ['the in-process store', () => createTestApp(database)],
    ['Redis', () => createTestApp(database, { REDIS_KEY_PREFIX: prefix }, { redis })],
  ];

  beforeAll(async () => {
    database = await backend.create();
    redis = connectRedis(testRedisUrl, createLogger({ level: 'silent' }));
    expect(await redisReady(redis, 5000)).toBe(true);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
    await database?.destroy();
  });

  it.each(apps)('a hit answers the bytes of the miss, with %s', async (_store, make) => {
    const t = make();
    const { token } = await t.signUp();
    const category = await bodyOf(await t.client.categories.$post({ json: { name: awkward } }, as(token)), 201);
    const todo = await bodyOf(
      await t.client.todos.$post(
        { json: { title: awkward, description: awkward, dueAt: '2026-12-01T09:00:00Z', categoryIds: [category.id] } },
        as(token),
      ),
      201,
    );
    await t.client.todos.$post({ json: { title: 'plain' } }, as(token));

    const reads = {
      list: () => t.client.todos.$get({ query: { limit: '1' } }, as(token)),
      item: () => t.client.todos[':id'].$get({ param: { id: String(todo.id) } }, as(token)),
    };
    for (const read of Object.values(reads)) {
      const miss = await answer(await read());
      const hit = await answer(await read());
      expect(miss).toMatchObject({ status: 200, cache: 'miss', contentType: 'application/json' });
      expect(hit).toEqual({ ...miss, cache: 'hit' });
    }

    // What the miss sent is what c.json would have sent for the same data.
    const list = await reads.list();
    const text = await list.text();
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(JSON.parse(text)).toMatchObject({ items: [{ title: 'plain' }], nextCursor: expect.any(String) });
    const item = await bodyOf(await reads.item(), 200);
    expect(item).toMatchObject({ title: awkward, description: awkward, categories: [{ name: awkward }] });
  });

  it('stores in Redis exactly the text the miss answered', async () => {
    const t = createTestApp(database, { REDIS_KEY_PREFIX: prefix }, { redis });
    const { token } = await t.signUp();
    const todo = await bodyOf(await t.client.todos.$post({ json: { title: awkward } }, as(token)), 201);
    const miss = await t.client.todos[':id'].$get({ param: { id: String(todo.id) } }, as(token));
    expect(miss.headers.get('x-cache')).toBe('miss');
    const sent = await miss.text();
    const [key, ...others] = await redis.keys(`${prefix}todos:*:v*:item:${todo.id}`);
    expect(others).toEqual([]);
    expect(await redis.get(key ?? '')).toBe(sent);
  });
});
