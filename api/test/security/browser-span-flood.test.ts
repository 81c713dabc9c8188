/**
 * The browser-span receiver under a flood (issue 20, finding 1): requests of about 58 KB, each a
 * span with seven 8,188-character resource attributes, from many addresses and accounts, as fast as the rate limits let them through. What the server
 * still holds afterwards (heap after a full GC, and RSS) must stay within the store's byte bound
 * plus a margin: the resource attributes count, and a value cut to 1 KiB is a copy, not a view
 * that keeps its 8 KiB original alive.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend as pglite, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

function memory(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const big = (seed: number) => `${seed}`.padEnd(8188, 'x');
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One span in `traceId`, carrying about 58 KB of resource attributes. */
function floodBody(traceId: string, n: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            str('service.name', 'flowlab-web'),
            ...[
              'service.version',
              'deployment.environment',
              'host.name',
              'os.type',
              'process.owner',
              'browser.brands',
              'telemetry.sdk.name',
            ].map((key, i) => str(key, big(n * 10 + i))),
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'flowlab-web' },
            spans: [
              {
                traceId,
                spanId: hex(8),
                name: 'todo add',
                kind: 1,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 1_000_000n),
                attributes: [str('flowlab.ui.action', 'todo add'), str('url.full', `http://localhost/todos/${n}`)],
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('a flood of large browser spans', () => {
  let database: TestDatabase;
  let t: TestApp;
  const tokens: string[] = [];

  beforeAll(async () => {
    database = await pglite.create();
    // Each request from its own forwarded address, as a flood from many machines would be.
    t = createTestApp(database, { TRUST_PROXY: '1' });
    for (let u = 0; u < 10; u++) tokens.push((await t.signUp('flooder')).token);
  }, 60_000);
  afterAll(async () => database?.destroy());

  it('leaves heap and RSS within the store bound (16 MiB) plus a margin', async () => {
    const before = memory();
    let accepted = 0;
    for (let u = 0; u < tokens.length; u++) {
      const traceId = hex(16);
      // 120 a minute per account and per address: 120 requests per account, each its own address.
      for (let i = 0; i < 120; i++) {
        const n = u * 1000 + i;
        const answer = await t.send('POST', '/otlp/v1/traces', {
          token: tokens[u],
          body: floodBody(traceId, n),
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.20.${u}.${i}` },
        });
        if (answer.status === 200) accepted += 1;
      }
    }
    const after = memory();
    const heap = (after.heap - before.heap) / MiB;
    const rss = (after.rss - before.rss) / MiB;
    console.info(`flood: ${accepted} requests kept; heap +${heap.toFixed(1)} MiB, RSS +${rss.toFixed(1)} MiB after GC`);
    expect(accepted).toBe(1200);
    // The store's 16 MiB (RECENT_TRACES_MAX_BYTES) over-counts what it holds; 8 MiB for V8 and the allocator.
    expect(heap, `heap +${heap.toFixed(1)} MiB`).toBeLessThan(24);
    expect(rss, `RSS +${rss.toFixed(1)} MiB`).toBeLessThan(64);
  }, 180_000);
});
