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

function browserBatch(options: { traceId: string; service?: string; url?: string }) {
  const action = hex(8);
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
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
    const traceId = hex(16);
    const sent = await t.send('POST', '/otlp/v1/traces', { body: browserBatch({ traceId }) });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ partialSuccess: {} });

    const trace = await t.send('GET', `/debug/traces/${traceId}`);
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

  it('refuses spans of any other service, and bodies that are not OTLP JSON', async () => {
    const t = createTestApp(database);
    const traceId = hex(16);
    const foreign = await t.send('POST', '/otlp/v1/traces', {
      body: browserBatch({ traceId, service: 'flowlab-api' }),
    });
    expect(foreign.status).toBe(422);
    expect(foreign.json.errors).toEqual([
      { path: 'resourceSpans.0.resource.attributes', message: 'service.name must be flowlab-web' },
    ]);
    expect((await t.send('GET', `/debug/traces/${traceId}`)).status).toBe(404);

    const badId = browserBatch({ traceId: 'not-hex' });
    const invalid = await t.send('POST', '/otlp/v1/traces', { body: badId });
    expect(invalid.status).toBe(422);
    expect(invalid.json.errors[0].path).toBe('resourceSpans.0.scopeSpans.0.spans.0.traceId');
    expect((await t.send('POST', '/otlp/v1/traces', { body: '{"resourceSpans":' })).status).toBe(400);
    const protobuf = await t.send('POST', '/otlp/v1/traces', {
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

  it('is rate limited per client address', async () => {
    const t = createTestApp(database);
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++)
      statuses.push((await t.send('POST', '/otlp/v1/traces', { body: browserBatch({ traceId: hex(16) }) })).status);
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
