/**
 * POST /otlp/v1/traces, the lab's receiver for the web client's spans, and GET /app/config.json,
 * which tells the web client where to send them. (The browser end to end is web/test/browser.)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend as pglite, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const now = BigInt(Date.now()) * 1_000_000n;
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function browserBatch(options: {
  traceId: string;
  service?: string;
  url?: string;
  extra?: { key: string; value: { stringValue: string } }[];
}) {
  const action = hex(8);
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', options.service ?? 'flowlab-web')] },
        scopeSpans: [
          {
            scope: { name: 'flowlab-web' },
            spans: [
              {
                traceId: options.traceId,
                spanId: action,
                name: 'todo add',
                kind: 1,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 40_000_000n),
                attributes: [str('flowlab.ui.action', 'todo add')],
                status: { code: 0 },
              },
              {
                traceId: options.traceId,
                spanId: hex(8),
                parentSpanId: action,
                name: 'POST',
                kind: 3,
                startTimeUnixNano: String(now + 1_000_000n),
                endTimeUnixNano: String(now + 30_000_000n),
                attributes: [
                  str('url.full', options.url ?? 'http://localhost:8000/todos?q=my%20secret%20plans'),
                  str('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64)'),
                  { key: 'http.response.status_code', value: { intValue: '201' } },
                  ...(options.extra ?? []),
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('the browser-span receiver', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pglite.create();
  });
  afterAll(async () => database?.destroy());

  it('keeps a batch of flowlab-web spans as one tree in /debug/traces/:id, without personal data', async () => {
    const t = createTestApp(database);
    const { token } = await t.signUp('browser');
    const traceId = hex(16);
    const sent = await t.send('POST', '/otlp/v1/traces', { token, body: browserBatch({ traceId }) });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ partialSuccess: {} });

    // The sender's trace is the sender's: read with their token.
    expect((await t.send('GET', `/debug/traces/${traceId}`)).status).toBe(404);
    const trace = await t.send('GET', `/debug/traces/${traceId}`, { token });
    expect(trace.status).toBe(200);
    const [click] = trace.json.spans;
    expect(click.name).toBe('todo add');
    expect(click.attributes['service.name']).toBe('flowlab-web');
    expect(click.durationMs).toBe(40);
    const [fetchSpan] = click.children;
    expect(fetchSpan).toMatchObject({ name: 'POST', kind: 'CLIENT' });
    expect(fetchSpan.attributes['url.full']).toBe('http://localhost:8000/todos');
    expect(fetchSpan.attributes['http.response.status_code']).toBe(201);
    expect(fetchSpan.attributes).not.toHaveProperty('user_agent.original');
  });

  it('asks for the sender’s token: a browser writes as its user, or not at all', async () => {
    const t = createTestApp(database);
    const traceId = hex(16);
    for (const token of [undefined, 'not-a-token']) {
      const refused = await t.send('POST', '/otlp/v1/traces', { token, body: browserBatch({ traceId }) });
      expect(refused.status).toBe(401);
      expect(refused.json.type).toBe('/problems/invalid-token');
    }
    expect((await t.send('GET', `/debug/traces/${traceId}`)).status).toBe(404);
  });

  it('keeps only the attributes the web client sends, URLs without query or fragment (finding 11)', async () => {
    const t = createTestApp(database);
    const { token } = await t.signUp('browser');
    const traceId = hex(16);
    const sent = await t.send('POST', '/otlp/v1/traces', {
      token,
      body: browserBatch({
        traceId,
        url: 'http://localhost:8000/todos?token=secret-in-query#access_token=secret-in-fragment',
        extra: [
          str('url.query', 'q=my%20secret%20plans'),
          str('location.href', 'http://localhost:8000/app/?token=secret-in-href'),
          str('page.referrer', 'http://localhost:8000/login?token=secret-in-referrer'),
          str('user.id', 'ada@example.com'),
          str('client.ip', '203.0.113.7'),
          str('http.request.header.x-api-key', 'secret-api-key'),
          str('flowlab.note', 'anything else the browser makes up'),
        ],
      }),
    });
    expect(sent.status).toBe(200);
    const trace = await t.send('GET', `/debug/traces/${traceId}`, { token });
    const [fetchSpan] = trace.json.spans[0].children;
    expect(Object.keys(fetchSpan.attributes).sort()).toEqual(['http.response.status_code', 'service.name', 'url.full']);
    expect(fetchSpan.attributes['url.full']).toBe('http://localhost:8000/todos');
    expect(trace.text).not.toMatch(/secret|ada@example|203\.0\.113|my%20secret/);
  });

  it('refuses spans of any other service, and bodies that are not OTLP JSON', async () => {
    const t = createTestApp(database);
    const { token } = await t.signUp('browser');
    const traceId = hex(16);
    const foreign = await t.send('POST', '/otlp/v1/traces', {
      token,
      body: browserBatch({ traceId, service: 'flowlab-api' }),
    });
    expect(foreign.status).toBe(422);
    expect(foreign.json.errors).toEqual([
      { path: 'resourceSpans.0.resource.attributes', message: 'service.name must be flowlab-web' },
    ]);
    expect((await t.send('GET', `/debug/traces/${traceId}`, { token })).status).toBe(404);

    const badId = browserBatch({ traceId: 'not-hex' });
    const invalid = await t.send('POST', '/otlp/v1/traces', { token, body: badId });
    expect(invalid.status).toBe(422);
    expect(invalid.json.errors[0].path).toBe('resourceSpans.0.scopeSpans.0.spans.0.traceId');
    expect((await t.send('POST', '/otlp/v1/traces', { token, body: '{"resourceSpans":' })).status).toBe(400);
    const protobuf = await t.send('POST', '/otlp/v1/traces', {
      token,
      body: 'x',
      headers: { 'Content-Type': 'application/x-protobuf' },
    });
    expect(protobuf.status).toBe(415);
  });

  it('is off in production', async () => {
    const t = createTestApp(database, { NODE_ENV: 'production' });
    const sent = await t.send('POST', '/otlp/v1/traces', { body: browserBatch({ traceId: hex(16) }) });
    expect(sent.status).toBe(404);
    expect((await t.send('GET', '/app/config.json')).json.traces.exportUrl).toBeNull();
  });

  it('is rate limited per client address and per account', async () => {
    const t = createTestApp(database);
    const { token } = await t.signUp('browser');
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++)
      statuses.push(
        (await t.send('POST', '/otlp/v1/traces', { token, body: browserBatch({ traceId: hex(16) }) })).status,
      );
    expect(statuses.filter((s) => s === 200)).toHaveLength(120);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('GET /app/config.json', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pglite.create();
  });
  afterAll(async () => database?.destroy());

  // The docs' trace page is linked only where a walkthrough build has one: each case names its own
  // folder, so the answer does not depend on whether this checkout has built docs/.
  it('points the browser at the receiver on the embedded default', async () => {
    const noDocs = await mkdtemp(join(tmpdir(), 'flowlab-no-docs-'));
    try {
      const t = createTestApp(database, { DOCS_DIST_DIR: noDocs });
      const config = await t.send('GET', '/app/config.json');
      expect(config.status).toBe(200);
      expect(config.json.traces).toEqual({ exportUrl: '/otlp/v1/traces', views: { debug: '/debug/traces/{traceId}' } });
    } finally {
      await rm(noDocs, { recursive: true, force: true });
    }
  });

  it("links the walkthrough's trace page when the docs build has one", async () => {
    const docs = await mkdtemp(join(tmpdir(), 'flowlab-docs-'));
    try {
      await mkdir(join(docs, 'traces'), { recursive: true });
      await writeFile(join(docs, 'index.html'), '<h1>walkthrough</h1>');
      await writeFile(join(docs, 'traces/index.html'), '<h1>trace</h1>');
      const t = createTestApp(database, { DOCS_DIST_DIR: docs });
      const { traces } = (await t.send('GET', '/app/config.json')).json;
      expect(traces.views.docs).toBe('/learn/traces/?id={traceId}');
    } finally {
      await rm(docs, { recursive: true, force: true });
    }
  });

  it("points it at the collector, and links Jaeger's UI only where WEB_JAEGER_URL says there is one", async () => {
    // The native stack: a collector, and a Jaeger built without its UI, so no link to it.
    const native = createTestApp(database, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    const nativeTraces = (await native.send('GET', '/app/config.json')).json.traces;
    expect(nativeTraces.exportUrl).toBe('http://127.0.0.1:4318/v1/traces');
    expect(nativeTraces.views).not.toHaveProperty('jaeger');
    // Docker Compose sets both.
    const t = createTestApp(database, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      WEB_OTLP_ENDPOINT: 'http://localhost:4318',
      WEB_JAEGER_URL: 'http://localhost:16686',
    });
    const { traces } = (await t.send('GET', '/app/config.json')).json;
    expect(traces.exportUrl).toBe('http://localhost:4318/v1/traces');
    expect(traces.views.jaeger).toBe('http://localhost:16686/trace/{traceId}');
  });
});
