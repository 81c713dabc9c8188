/**
 * A dependency that is down is worth one warning, not one per request: with Redis unreachable,
 * the cache, the account states and the rate limiter each fail on every request, and a warning
 * with a stack for each multiplied the log volume by nine. One line per dependency per interval,
 * with the count of the ones it stands for.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

describe('dependency-down warnings', () => {
  let database: TestDatabase;
  const lines: Record<string, unknown>[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'info' }, capture);
  // Nothing listens on port 1: every command fails at once (no offline queue).
  const redis = connectRedis('redis://127.0.0.1:1', logger);

  beforeAll(async () => {
    database = await pgliteBackend.create();
  });
  afterAll(async () => {
    redis.disconnect();
    await database?.destroy();
  });

  it('logs one warning per dependency per interval, with a count, however many requests fail on it', async () => {
    const t = createTestApp(database, { TODO_CREATE_LIMIT: '1000' }, { redis, logger });
    const { token } = await t.signUp('outage');
    for (let i = 0; i < 20; i++) {
      expect((await t.send('GET', `/todos?q=n${i}`, { token })).status).toBe(200);
      expect((await t.send('POST', '/todos', { token, body: { title: `during the outage ${i}` } })).status).toBe(201);
    }
    const warnings = lines.filter((line) => line.level === 'warn' && line.dependency === 'redis');
    expect(warnings.length).toBeLessThanOrEqual(2);
    const bytes = warnings.reduce((sum, line) => sum + JSON.stringify(line).length, 0);
    expect(bytes).toBeLessThan(4096);
    // What was not logged is counted on the next line for that dependency.
    lines.length = 0;
    const { flushDependencyWarnings } = await import('../../src/telemetry/dependency-warnings.ts');
    flushDependencyWarnings(logger);
    const summary = lines.find((line) => line.dependency === 'redis');
    expect(summary?.suppressed).toBeGreaterThan(40);
  });
});
