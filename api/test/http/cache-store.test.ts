/**
 * The two cache stores behind one interface: the same calls give the same answers on the real
 * Redis (one Lua script for a versioned read) and in process memory.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { type CacheStore, memoryStore, redisStore } from '../../src/cache/store.ts';
import { createFaults } from '../../src/lab/faults.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/services.ts';

let redis: Redis;
beforeAll(async () => {
  redis = connectRedis(testRedisUrl, createLogger({ level: 'silent' }));
  expect(await redisReady(redis, 5000)).toBe(true);
});
afterAll(() => redis?.disconnect());

const stores: [string, () => CacheStore][] = [
  ['redis', () => redisStore(redis, createFaults(), { keyPrefix: 'flowlab-test:', maxBytesPerOwner: 100_000 })],
  ['memory', () => memoryStore({ maxEntries: 1000, maxBytes: 1_000_000, maxBytesPerOwner: 100_000 })],
];

describe.each(stores)('the %s store', (_kind, make) => {
  it('reads a version and the entry filed under it in one call, the version first', async () => {
    const store = make();
    const p = uniqueKeyPrefix();
    const entryKey = { before: `${p}todos:1:v`, after: ':list' };
    expect(await store.readVersioned(`${p}version`, entryKey)).toEqual({ version: 0, value: undefined });
    await store.set(`${p}todos:1:v0:list`, 'at zero', 60, '1');
    expect(await store.readVersioned(`${p}version`, entryKey)).toEqual({ version: 0, value: 'at zero' });
    // A write bumps the version: the entry under the old one is never read again.
    expect(await store.bump(`${p}version`)).toBe(1);
    expect(await store.readVersioned(`${p}version`, entryKey)).toEqual({ version: 1, value: undefined });
    await store.set(`${p}todos:1:v1:list`, 'at one', 60, '1');
    expect(await store.readVersioned(`${p}version`, entryKey)).toEqual({ version: 1, value: 'at one' });
    expect(await store.version(`${p}version`)).toBe(1);
  });

  it('replaces a versioned value only with a newer one: of two writers that cross, the older never wins', async () => {
    const store = make();
    const key = `${uniqueKeyPrefix()}account:1`;
    const state = (version: number, isActive: boolean) => JSON.stringify({ id: 1, isActive, version });
    expect(await store.setIfNewer(key, state(2, true), 2, 60, '1')).toBe(true);
    expect(await store.setIfNewer(key, state(1, false), 1, 60, '1')).toBe(false);
    expect(JSON.parse((await store.get(key)) ?? '{}')).toMatchObject({ isActive: true, version: 2 });
    expect(await store.setIfNewer(key, state(3, false), 3, 60, '1')).toBe(true);
    expect(JSON.parse((await store.get(key)) ?? '{}')).toMatchObject({ isActive: false, version: 3 });
  });

  it('adds only where nothing is: a late fill never overwrites a newer value', async () => {
    const store = make();
    const key = `${uniqueKeyPrefix()}account:1`;
    expect(await store.add(key, 'first', 60, '1')).toBe(true);
    expect(await store.add(key, 'late fill', 60, '1')).toBe(false);
    expect(await store.get(key)).toBe('first');
    await store.set(key, 'newer', 60, '1');
    expect(await store.add(key, 'late fill', 60, '1')).toBe(false);
    expect(await store.get(key)).toBe('newer');
  });
});

it('the redis store passes the fault switch before its script, like every other call', async () => {
  const faults = createFaults();
  const store = redisStore(redis, faults, { keyPrefix: 'flowlab-test:', maxBytesPerOwner: 100_000 });
  faults.set('redis', { latencyMs: 0, errorRate: 1 });
  await expect(store.readVersioned('x', { before: 'a', after: 'b' })).rejects.toThrow('lab fault');
  await expect(store.add('x', 'y', 1)).rejects.toThrow('lab fault');
});
