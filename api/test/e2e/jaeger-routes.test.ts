/**
 * /debug/jaeger/* against the real native Jaeger, fed by the real API through the real collector:
 * a trace read back from Jaeger is the same span tree the API's recent-traces store serves; a
 * user's search sees only the traces that user authenticated in, the admin's sees everyone's;
 * Jaeger's own refusals and an answer over JAEGER_QUERY_MAX_BYTES are named problems.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { type FullServer, startFullServer, tracedClient } from '../helpers/full-server.ts';
import { eventually } from '../helpers/services.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { flatten, type SpanNode } from '../helpers/traces.ts';

const JAEGER = 'http://127.0.0.1:16686';
// Jaeger's own OTLP/HTTP receiver natively (stack/jaeger/jaeger.yaml): the lab's collector sends to its gRPC twin.
const JAEGER_OTLP_HTTP = 'http://127.0.0.1:14318';
const ADMIN_TOKEN = 'e2e-jaeger-admin-token-0123456789';

type Node = SpanNode;

describe('the Jaeger view, on the real Jaeger', () => {
  let full: FullServer;
  const ada = tracedClient(() => full.server.base);
  const bob = tracedClient(() => full.server.base);
  let adaId = 0;
  let bobId = 0;
  const traces = { adaCreate: '', adaDuplicate: '', bobList: '' };

  const get = async (path: string, token?: string) => {
    const response = await fetch(`${full.server.base}${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered.
    return { status: response.status, json: (await response.json()) as any };
  };
  const tokens = { ada: '', bob: '' };

  beforeAll(async () => {
    full = await startFullServer({
      ADMIN_TOKEN,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      JAEGER_QUERY_URL: JAEGER,
    });
    for (const [client, name] of [
      [ada, 'ada'],
      [bob, 'bob'],
    ] as const) {
      const credentials = { email: `${name}-${Date.now()}@example.com`, password: 'jaeger please, jaeger' };
      const registered = await client.call('POST', '/auth/register', credentials);
      if (name === 'ada') adaId = registered.json.id;
      else bobId = registered.json.id;
      tokens[name] = (await client.call('POST', '/auth/login', credentials)).json.accessToken;
      client.setToken(tokens[name]);
    }
    const title = `Found in Jaeger ${Date.now()}`;
    traces.adaCreate = (await ada.call('POST', '/todos', { title })).traceId;
    traces.adaDuplicate = (await ada.call('POST', '/todos', { title })).traceId;
    traces.bobList = (await bob.call('GET', '/todos')).traceId;
    // Until Jaeger has all three (the collector batches, Jaeger stores).
    await eventually(
      async () => {
        for (const id of Object.values(traces)) {
          const response = await fetch(`${JAEGER}/api/traces/${id}`);
          if (response.status !== 200) throw new Error(`not in Jaeger yet: ${id}`);
        }
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  }, 120_000);

  afterAll(async () => full?.stop());

  it("reads a trace back from Jaeger as the recent-traces store's own span tree", async () => {
    const fromJaeger = await eventually(
      async () => {
        const answer = await get(`/debug/jaeger/traces/${traces.adaCreate}`);
        // The SERVER span ends last: wait until Jaeger has the whole trace.
        if (answer.status !== 200 || !flatten(answer.json.spans).some((s) => s.kind === 'SERVER'))
          throw new Error(`Jaeger: ${answer.status}`);
        return answer.json;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const fromStore = await get(`/debug/traces/${traces.adaCreate}`);
    expect(fromStore.status).toBe(200);
    const shape = (tree: Node[]) =>
      flatten(tree)
        .map((s) => `${s.spanId} ${s.parentSpanId ?? '-'} ${s.kind} ${s.status} ${s.name}`)
        .sort();
    expect(shape(fromJaeger.spans)).toEqual(shape(fromStore.json.spans));
    expect(fromJaeger.services).toEqual(['flowlab-api']);

    const spans = flatten(fromJaeger.spans);
    const server = spans.find((s) => s.kind === 'SERVER');
    expect(server).toMatchObject({ name: 'POST /todos', attributes: { 'http.response.status_code': 201 } });
    // Microseconds became milliseconds, as in the store: a request takes ms, not seconds or µs.
    expect(server?.durationMs).toBeGreaterThan(0.1);
    expect(server?.durationMs).toBeLessThan(10_000);
    const authenticate = spans.find((s) => s.name === 'authenticate');
    expect(authenticate?.attributes).toMatchObject({ 'enduser.id': String(adaId), 'service.name': 'flowlab-api' });
    // Folded tags are unfolded, not repeated as attributes.
    expect(server?.attributes).not.toHaveProperty('span.kind');
  });

  it("lists a user's own traces only, whatever they search for", async () => {
    const own = await eventually(
      async () => {
        const answer = await get('/debug/jaeger/traces?lookback=15m&limit=100', tokens.ada);
        const ids = answer.json.items.map((t: { traceId: string }) => t.traceId);
        if (!ids.includes(traces.adaCreate) || !ids.includes(traces.adaDuplicate)) throw new Error('not listed yet');
        return answer.json;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(own.scope).toBe('own');
    const ids = own.items.map((t: { traceId: string }) => t.traceId);
    expect(ids).not.toContain(traces.bobList);

    // The operation is on the SERVER span, enduser.id on authenticate: both still find it.
    const creates = await get(`/debug/jaeger/traces?operation=${encodeURIComponent('POST /todos')}`, tokens.ada);
    expect(creates.json.items.map((t: { traceId: string }) => t.traceId)).toEqual(
      expect.arrayContaining([traces.adaCreate, traces.adaDuplicate]),
    );
    const duplicates = await get('/debug/jaeger/traces?tags=http.response.status_code%3D409', tokens.ada);
    expect(duplicates.json.items.map((t: { traceId: string }) => t.traceId)).toEqual([traces.adaDuplicate]);
    expect(duplicates.json.items[0]).toMatchObject({
      rootName: 'POST /todos',
      statusCode: 409,
      service: 'flowlab-api',
    });

    const bobs = await get('/debug/jaeger/traces?limit=100', tokens.bob);
    const bobIds = bobs.json.items.map((t: { traceId: string }) => t.traceId);
    expect(bobIds).toContain(traces.bobList);
    expect(bobIds).not.toContain(traces.adaCreate);
    expect(bobId).not.toBe(adaId);
  });

  it("lets the admin search everyone's traces, by service, operation, tag and duration", async () => {
    const operation = encodeURIComponent('POST /todos');
    const all = await get(`/debug/jaeger/traces?service=flowlab-api&operation=${operation}&limit=100`, ADMIN_TOKEN);
    expect(all.status).toBe(200);
    expect(all.json.scope).toBe('all');
    expect(all.json.items.map((t: { traceId: string }) => t.traceId)).toContain(traces.adaCreate);

    const everyService = await get('/debug/jaeger/traces?limit=100', ADMIN_TOKEN);
    expect(everyService.json.items.map((t: { traceId: string }) => t.traceId)).toContain(traces.bobList);
    const starts = everyService.json.items.map((t: { startTime: string }) => t.startTime);
    expect(starts).toEqual([...starts].sort().reverse());

    // The duplicate's INSERT failed (a span in error, though the answer is a 409); the create's did not.
    const ids = async (query: string, token = ADMIN_TOKEN) =>
      (await get(`/debug/jaeger/traces?${query}`, token)).json.items.map((t: { traceId: string }) => t.traceId);
    const failed = await ids('service=flowlab-api&status=error&limit=100');
    expect(failed).toContain(traces.adaDuplicate);
    expect(failed).not.toContain(traces.adaCreate);
    const clean = await ids(`service=flowlab-api&operation=${operation}&status=ok&limit=100`);
    expect(clean).toContain(traces.adaCreate);
    expect(clean).not.toContain(traces.adaDuplicate);
    expect(await ids('status=error', tokens.ada)).toEqual([traces.adaDuplicate]);

    const slowest = await get(`/debug/jaeger/traces?service=flowlab-api&minDuration=1h`, ADMIN_TOKEN);
    expect(slowest.json.items).toEqual([]);
    const tagged = await get(
      `/debug/jaeger/traces?service=flowlab-api&tags=${encodeURIComponent(`enduser.id=${bobId}`)}`,
      ADMIN_TOKEN,
    );
    expect(tagged.json.items.map((t: { traceId: string }) => t.traceId)).toEqual([traces.bobList]);
  });

  it("names Jaeger's own refusal as a 502", async () => {
    const refused = await get('/debug/jaeger/traces?service=flowlab-api&minDuration=2s&maxDuration=1s', ADMIN_TOKEN);
    expect(refused.status).toBe(502);
    expect(refused.json).toMatchObject({ type: '/problems/dependency-failed', dependency: 'jaeger' });
    expect(refused.json.detail).toMatch(/maxDuration/);
  });

  describe('in process, on the same Jaeger', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await pgliteBackend.create();
    });
    afterAll(async () => database?.destroy());

    it('refuses an answer over JAEGER_QUERY_MAX_BYTES rather than buffering it, and 404s an unknown id', async () => {
      // A trace with one 100 KB attribute, sent straight to Jaeger's own OTLP receiver.
      const traceId = randomBytes(16).toString('hex');
      const now = BigInt(Date.now()) * 1_000_000n;
      const sent = await fetch(`${JAEGER_OTLP_HTTP}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flowlab-e2e-big' } }] },
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId,
                      spanId: randomBytes(8).toString('hex'),
                      name: 'a big span',
                      kind: 1,
                      startTimeUnixNano: String(now),
                      endTimeUnixNano: String(now + 1_000_000n),
                      attributes: [{ key: 'flowlab.e2e.padding', value: { stringValue: 'x'.repeat(100_000) } }],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      });
      expect(sent.status).toBe(200);
      await eventually(
        async () => {
          if ((await fetch(`${JAEGER}/api/traces/${traceId}`)).status !== 200) throw new Error('not stored yet');
        },
        { timeoutMs: 20_000, intervalMs: 300 },
      );
      const t = createTestApp(database, { JAEGER_QUERY_URL: JAEGER, JAEGER_QUERY_MAX_BYTES: '65536', ADMIN_TOKEN });
      const big = await t.send('GET', `/debug/jaeger/traces/${traceId}`);
      expect(big.status).toBe(502);
      expect(big.json).toMatchObject({ type: '/problems/dependency-failed', dependency: 'jaeger' });
      expect(big.json.detail).toMatch(/larger than 64 KiB/);
      // The default bound reads it.
      const roomy = createTestApp(database, { JAEGER_QUERY_URL: JAEGER });
      const read = await roomy.send('GET', `/debug/jaeger/traces/${traceId}`);
      expect(read.status).toBe(200);
      expect(read.json.services).toEqual(['flowlab-e2e-big']);
      const unknown = await t.send('GET', '/debug/jaeger/traces/0123456789abcdef0123456789abcdef');
      expect(unknown.status).toBe(404);
      expect(unknown.json.type).toBe('/problems/not-found');
      const services = await t.send('GET', '/debug/jaeger/services');
      expect(services.json.items).toContain('flowlab-api');
      const operations = await t.send('GET', '/debug/jaeger/operations?service=flowlab-api');
      expect(operations.json.items.map((o: { name: string }) => o.name)).toContain('POST /todos');
    });
  });
});
