/**
 * The lab's fault switches: off by default, admin-only, and really felt by the next request, on
 * the embedded default (PGlite, the in-process cache) as on PostgreSQL with Redis. A switch for a
 * dependency the lab runs without (Neo4j here) is refused, never accepted to do nothing.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/cache/redis.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { type Backend, pgliteBackend, postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { flattenTree, inMemorySpans } from '../helpers/in-memory-spans.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/services.ts';
import { createTestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'lab-admin-token-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const spans = inMemorySpans();
afterAll(() => spans.shutdown());

const labs: { name: string; backend: Backend; withRedis: boolean }[] = [
  { name: 'the embedded default (PGlite, in-process cache)', backend: pgliteBackend, withRedis: false },
  { name: 'PostgreSQL and Redis', backend: postgresBackend, withRedis: true },
];

describe.each(labs)('lab fault switches on $name', ({ backend, withRedis }) => {
  let database: TestDatabase;
  let redis: Redis | undefined;
  const prefix = uniqueKeyPrefix();

  beforeAll(async () => {
    database = await backend.create();
    if (withRedis) {
      redis = connectRedis(testRedisUrl, createLogger({ level: 'silent' }));
      expect(await redisReady(redis, 5000)).toBe(true);
    }
  });
  afterAll(async () => {
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await database?.destroy();
  });

  const labApp = () => createTestApp(database, { ADMIN_TOKEN, LAB_MODE: '1', REDIS_KEY_PREFIX: prefix }, { redis });

  it('do not exist outside development unless LAB_MODE=1', async () => {
    // testConfig is NODE_ENV=test, where lab mode defaults off (in development it defaults on).
    const t = createTestApp(database, { ADMIN_TOKEN });
    expect(t.config.LAB_MODE).toBe(false);
    expect((await t.send('GET', '/lab/faults', { headers: admin })).status).toBe(404);
  });

  it('need the admin token', async () => {
    const t = labApp();
    const { token } = await t.signUp();
    expect((await t.send('GET', '/lab/faults')).status).toBe(401);
    // A user's token is not the admin token.
    expect((await t.send('GET', '/lab/faults', { token })).status).toBe(401);
    expect((await t.send('GET', '/lab/faults', { headers: admin })).json).toEqual({ faults: {} });
  });

  it('slow the database down: the step that waits is as slow as the fault', async () => {
    const t = labApp();
    const { token } = await t.signUp();
    const slow = await t.send('PUT', '/lab/faults/postgresql', { headers: admin, body: { latencyMs: 150 } });
    expect(slow.json).toEqual({ faults: { postgresql: { latencyMs: 150, errorRate: 0 } } });
    try {
      const answer = await spans.traced(() => t.send('POST', '/todos', { token, body: { title: 'slow on purpose' } }));
      expect(answer.status).toBe(201);
      const all = flattenTree(spans.tree(answer.traceId));
      const root = all[0];
      expect(root && root.end - root.start).toBeGreaterThanOrEqual(150);
      // The statement's own CLIENT span holds the delay, as a slow server's would (PGlite and PostgreSQL alike).
      const insert = all.find((s) => s.kind === 'CLIENT' && s.attributes['db.operation.name'] === 'INSERT');
      expect(insert && insert.end - insert.start).toBeGreaterThanOrEqual(150);
    } finally {
      await t.send('DELETE', '/lab/faults', { headers: admin });
    }
  });

  it('break the database: a 500 with its requestId, a red span, and readiness down until reset', async () => {
    const t = labApp();
    const { token } = await t.signUp();
    await t.send('PUT', '/lab/faults/postgresql', { headers: admin, body: { errorRate: 1 } });
    try {
      const broken = await spans.traced(() => t.send('POST', '/todos', { token, body: { title: 'never stored' } }));
      expect(broken.status).toBe(500);
      expect(broken.json).toMatchObject({ type: '/problems/internal-error', requestId: expect.any(String) });
      expect(broken.headers.get('x-request-id')).toBe(broken.json.requestId);
      const red = flattenTree(spans.tree(broken.traceId)).filter((s) => s.status === 'error');
      expect(red.map((s) => s.attributes['error.type'])).toContain('InjectedFaultError');
      expect(red.some((s) => s.kind === 'CLIENT' && s.attributes['db.system.name'] === 'postgresql')).toBe(true);
      const ready = await t.send('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json.detail).toContain('lab fault: injected postgresql error');
    } finally {
      expect((await t.send('DELETE', '/lab/faults', { headers: admin })).json).toEqual({ faults: {} });
    }
    expect((await t.send('GET', '/readyz')).status).toBe(200);
  });

  it('break the cache: reads bypass it (and still answer) until reset', async () => {
    const t = labApp();
    const { token } = await t.signUp();
    await t.send('PUT', '/lab/faults/cache', { headers: admin, body: { errorRate: 1 } });
    try {
      const first = await spans.traced(() => t.send('GET', '/todos', { token }));
      expect(first.status).toBe(200);
      expect(first.headers.get('x-cache')).toBe('bypass');
      const lookup = flattenTree(spans.tree(first.traceId)).find((s) => s.name === 'cache lookup');
      expect(lookup?.attributes['flowlab.cache.outcome']).toBe('bypass');
      expect((await t.send('GET', '/todos', { token })).headers.get('x-cache')).toBe('bypass');
    } finally {
      await t.send('DELETE', '/lab/faults/cache', { headers: admin });
    }
    expect((await t.send('GET', '/todos', { token })).headers.get('x-cache')).toBe('miss');
    expect((await t.send('GET', '/todos', { token })).headers.get('x-cache')).toBe('hit');
  });

  it('refuse a dependency this lab runs without, saying what to start', async () => {
    const t = labApp();
    const graph = await t.send('PUT', '/lab/faults/neo4j', { headers: admin, body: { errorRate: 1 } });
    expect(graph.status).toBe(409);
    expect(graph.headers.get('content-type')).toContain('application/problem+json');
    expect(graph.json).toMatchObject({ type: '/problems/fault-target-absent', dependency: 'neo4j' });
    expect(graph.json.detail).toContain('NEO4J_URI');
    const cache = await t.send('PUT', '/lab/faults/redis', { headers: admin, body: { errorRate: 1 } });
    expect(cache.status).toBe(withRedis ? 200 : 409);
    await t.send('DELETE', '/lab/faults', { headers: admin });
    expect((await t.send('GET', '/lab/faults', { headers: admin })).json).toEqual({ faults: {} });
  });

  it('validate what they are given', async () => {
    const t = labApp();
    expect((await t.send('PUT', '/lab/faults/mysql', { headers: admin, body: { latencyMs: 1 } })).status).toBe(422);
    expect((await t.send('PUT', '/lab/faults/cache', { headers: admin, body: { errorRate: 2 } })).status).toBe(422);
  });
});
