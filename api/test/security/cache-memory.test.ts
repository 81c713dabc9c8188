/**
 * One user must not fill the server's memory through the in-process cache: many distinct
 * large lists (each ?q=&limit= is its own entry) leave the heap within the cache's byte bound,
 * per user and in all, plus a margin for the allocator.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('the in-process cache stays within its byte bounds', () => {
  let database: TestDatabase;
  let t: TestApp;
  const perUser = 1 * MiB;
  const total = 4 * MiB;
  // What V8 and the allocator add on top: chosen well below the ~20 MiB each part would keep unbounded.
  const margin = 6 * MiB;

  beforeAll(async () => {
    database = await postgresBackend.create();
    t = createTestApp(database, {
      TODO_CREATE_LIMIT: '1000',
      CACHE_MAX_BYTES: String(total),
      CACHE_MAX_BYTES_PER_USER: String(perUser),
    });
  });
  afterAll(async () => database?.destroy());

  /** A user with ten todos of the longest description, all matching ?q=x…x. */
  async function userWithLargeTodos(): Promise<string> {
    const { token } = await t.signUp('hoarder');
    for (let i = 0; i < 10; i++) {
      const created = await t.send('POST', '/todos', {
        token,
        body: { title: `${'x'.repeat(100)} ${i}`, description: `${i}`.padEnd(2000, 'd') },
      });
      expect(created.status).toBe(201);
    }
    return token;
  }

  /** Distinct cache entries of ten large todos each: ?q= from 1 to 100 x's, limit from 10 to 100. */
  async function distinctLists(token: string, count: number, offset = 0) {
    for (let n = offset; n < offset + count; n++) {
      const q = 'x'.repeat((n % 100) + 1);
      const limit = 10 + Math.floor(n / 100);
      const response = await t.send('GET', `/todos?q=${q}&limit=${limit}`, { token });
      if (response.json.items.length !== 10) throw new Error(`expected the ten todos, got ${response.status}`);
    }
  }

  it('keeps one user within CACHE_MAX_BYTES_PER_USER', async () => {
    const token = await userWithLargeTodos();
    await distinctLists(token, 20);
    const before = heapUsed();
    await distinctLists(token, 1000, 20);
    const grown = heapUsed() - before;
    expect(grown, `${(grown / MiB).toFixed(1)} MiB`).toBeLessThan(perUser + margin);
    // The bound evicts, it does not switch the cache off: a repeated list is still a hit.
    const again = await t.send('GET', `/todos?q=${'x'.repeat(20)}&limit=19`, { token });
    expect((await t.send('GET', `/todos?q=${'x'.repeat(20)}&limit=19`, { token })).headers.get('x-cache')).toBe('hit');
    expect(again.status).toBe(200);
  });

  it('keeps all users together within CACHE_MAX_BYTES', async () => {
    const tokens = [];
    for (let u = 0; u < 6; u++) tokens.push(await userWithLargeTodos());
    for (const token of tokens) await distinctLists(token, 10);
    const before = heapUsed();
    for (const token of tokens) await distinctLists(token, 200, 10);
    const grown = heapUsed() - before;
    expect(grown, `${(grown / MiB).toFixed(1)} MiB`).toBeLessThan(total + margin);
  });
});
