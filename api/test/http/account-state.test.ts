/**
 * Authentication reads the account's state from the cache store, not PostgreSQL, on every
 * request: a deactivation made on one replica must still be a 403 on the next request to any
 * other, and a Redis that fails must only send the lookup back to PostgreSQL. Two replicas
 * here are two apps on one database and one real Redis, with one key prefix, as in production.
 */

import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { users } from '../../src/db/schema.ts';
import { createFaults } from '../../src/lab/faults.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/services.ts';
import { createTestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'account-state-admin-token-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(backends)('account state across replicas on $name and Redis', (backend) => {
  let database: TestDatabase;
  let redis: Redis;
  const prefix = uniqueKeyPrefix();
  const replica = () => createTestApp(database, { ADMIN_TOKEN, REDIS_KEY_PREFIX: prefix }, { redis });

  beforeAll(async () => {
    database = await backend.create();
    redis = connectRedis(testRedisUrl, createLogger({ level: 'silent' }));
    expect(await redisReady(redis, 5000)).toBe(true);
  });
  afterAll(async () => {
    database?.faults.reset();
    redis?.disconnect();
    await database?.destroy();
  });

  it('keeps the state in Redis, without secrets, and a deactivation on one replica is a 403 on the other at once', async () => {
    const a = replica();
    const b = replica();
    const { user, token } = await b.signUp('replicas');
    // B has read the account (and cached its state) before the change.
    expect((await b.send('GET', '/todos', { token })).status).toBe(200);
    const cached = JSON.parse((await redis.get(`${prefix}account:${user.id}`)) ?? 'null');
    expect(cached).toEqual({ id: user.id, email: user.email, name: 'replicas', isActive: true, version: 0 });

    expect((await a.send('POST', `/admin/users/${user.id}/deactivate`, { headers: admin })).status).toBe(200);
    const refused = await b.send('GET', '/todos', { token });
    expect(refused.status).toBe(403);
    expect(refused.json.type).toBe('/problems/account-inactive');

    expect((await a.send('POST', `/admin/users/${user.id}/reactivate`, { headers: admin })).status).toBe(200);
    expect((await b.send('GET', '/todos', { token })).status).toBe(200);
  });

  it('never leaves Redis disagreeing with PostgreSQL when deactivate and reactivate cross', async () => {
    // Replica A reaches Redis 300 ms late: its deactivation commits first and is published last.
    const faults = createFaults();
    faults.set('redis', { latencyMs: 300, errorRate: 0 });
    const a = createTestApp(database, { ADMIN_TOKEN, REDIS_KEY_PREFIX: prefix }, { redis, faults });
    const b = replica();
    const { user, token } = await b.signUp('crossing');
    const inPostgres = async () =>
      (await database.db.select({ isActive: users.isActive }).from(users).where(eq(users.id, user.id)))[0]?.isActive;
    const inRedis = async () => JSON.parse((await redis.get(`${prefix}account:${user.id}`)) ?? 'null')?.isActive;

    const deactivating = a.send('POST', `/admin/users/${user.id}/deactivate`, { headers: admin });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await b.send('POST', `/admin/users/${user.id}/reactivate`, { headers: admin })).status).toBe(200);
    expect((await deactivating).status).toBe(200);
    expect(await inPostgres()).toBe(true);
    expect(await inRedis()).toBe(true);
    expect((await b.send('GET', '/todos', { token })).status).toBe(200);

    // And sent at the same moment, round after round, on two replicas without delay.
    faults.reset();
    const disagreements: number[] = [];
    for (let round = 0; round < 20; round++) {
      await Promise.all([
        a.send('POST', `/admin/users/${user.id}/deactivate`, { headers: admin }),
        b.send('POST', `/admin/users/${user.id}/reactivate`, { headers: admin }),
      ]);
      if ((await inPostgres()) !== (await inRedis())) disagreements.push(round);
    }
    expect(disagreements).toEqual([]);
  });

  it('reads PostgreSQL while Redis fails, and a deactivation made meanwhile still holds on that replica', async () => {
    const t = replica();
    const { user, token } = await t.signUp('redis-failing');
    expect((await t.send('GET', '/todos', { token })).status).toBe(200);

    database.faults.set('redis', { latencyMs: 0, errorRate: 1 });
    try {
      expect((await t.send('GET', '/todos', { token })).status).toBe(200);
      // The state cannot be written to Redis: Redis still says "active".
      expect((await t.send('POST', `/admin/users/${user.id}/deactivate`, { headers: admin })).status).toBe(200);
      expect((await t.send('GET', '/todos', { token })).status).toBe(403);
    } finally {
      database.faults.reset('redis');
    }
    // Back up: this replica reads PostgreSQL for that account and publishes what it finds.
    expect((await t.send('GET', '/todos', { token })).status).toBe(403);
    expect(JSON.parse((await redis.get(`${prefix}account:${user.id}`)) ?? 'null')).toMatchObject({ isActive: false });
    expect((await replica().send('GET', '/todos', { token })).status).toBe(403);
  });
});
