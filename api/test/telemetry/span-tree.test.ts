/**
 * The spans the app makes for each step, read from an in-memory exporter with the app in this
 * process, on PGlite (its queries get CLIENT spans from the app's own wrapper). The real process,
 * the ESM instrumentation and the pg, ioredis and Neo4j spans are traces.test.ts's.
 */
import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineRoute } from '../../src/http/access.ts';
import { createRouter } from '../../src/http/openapi.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { childNamed, flattenTree, inMemorySpans, type MemorySpan } from '../helpers/in-memory-spans.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { CREATE_STEPS } from '../helpers/traces.ts';

const isDatabaseSpan = (s: MemorySpan) => s.kind === 'CLIENT' && s.attributes['db.system.name'] === 'postgresql';

// One tracer provider for the file's process: the global one can be registered only once.
const spans = inMemorySpans();
afterAll(async () => spans.shutdown());

describe('the span tree of each step, in-process', () => {
  const lines: Record<string, unknown>[] = [];
  let database: TestDatabase;
  let t: TestApp;
  let token: string;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await spans.traced(() => t.send(method, path, { token, body, headers }));
    return { ...response, root: spans.tree(response.traceId) };
  }

  beforeAll(async () => {
    database = await pgliteBackend.create();
    // A title starting "refused:" makes PostgreSQL refuse the insert: a server error on demand.
    await database.db.execute(`CREATE FUNCTION refuse_for_the_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await database.db.execute(`CREATE TRIGGER refuse_todo BEFORE INSERT ON todos FOR EACH ROW
      WHEN (NEW.title LIKE 'refused:%') EXECUTE FUNCTION refuse_for_the_test()`);
    const logger = createLogger({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    t = createTestApp(database, {}, { logger });
    ({ token } = await t.signUp('spans'));
  });

  afterAll(async () => database?.destroy());

  it('creates: the SERVER span named for the route, every step beneath it in the order of the diagram', async () => {
    const created = await call('POST', '/todos', { title: 'Follow the trace' });
    expect(created.status).toBe(201);
    const { root } = created;
    expect(root).toMatchObject({ name: 'POST /todos', kind: 'SERVER', status: 'unset' });
    expect(root.attributes).toMatchObject({ 'http.route': '/todos', 'http.response.status_code': 201 });
    expect(root.attributes['error.type']).toBeUndefined();

    const names = root.children.map((s) => s.name);
    expect(names.filter((n) => CREATE_STEPS.includes(n))).toEqual(CREATE_STEPS);
    expect(childNamed(root, 'authenticate').attributes['enduser.id']).toBeDefined();
    expect(childNamed(root, 'authenticate').children.some(isDatabaseSpan)).toBe(true);
    const insert = childNamed(root, 'duplicate check').children.find(isDatabaseSpan);
    expect(String(insert?.attributes['db.query.text'])).toMatch(/^insert into "todos"/i);
    // Named as on PostgreSQL (db.query.summary): not `INSERT pglite`.
    expect(insert).toMatchObject({ name: 'INSERT todos', attributes: { 'db.query.summary': 'INSERT todos' } });
    expect(JSON.stringify(insert?.attributes)).not.toContain('Follow the trace');
    // RateLimit-Reset on the span too: a page counts down from it when the learner's shell met the limit.
    expect(childNamed(root, 'rate limit decision').attributes).toMatchObject({
      'flowlab.rate_limit.allowed': true,
      'flowlab.rate_limit.reset_seconds': expect.any(Number),
    });
    expect(childNamed(root, 'outbox write').attributes).toMatchObject({ 'flowlab.outbox.event_type': 'todo.created' });
    // Without Neo4j the graph write is still the step, and says why nothing was written.
    expect(childNamed(root, 'graph write').attributes).toMatchObject({ 'flowlab.graph.status': 'disabled' });

    // The response names its trace, and Server-Timing adds up the database's spans.
    expect(created.headers.get('traceresponse')).toMatch(new RegExp(`^00-${created.traceId}-[0-9a-f]{16}-01$`));
    const timing = created.headers.get('server-timing') ?? '';
    expect(Number(/db;dur=([\d.]+)/.exec(timing)?.[1])).toBeGreaterThan(0);
    expect(timing).toMatch(/graph;dur=0, cache;dur=[\d.]+, total;dur=[\d.]+$/);
  });

  it('times validate request over the real validation, one span for all the parts the route reads', async () => {
    const { root } = await call('POST', '/todos', { title: 'Time my validation', description: 'x'.repeat(2000) });
    const validate = childNamed(root, 'validate request');
    expect(validate.attributes).toMatchObject({
      'flowlab.validation.target': 'json',
      'flowlab.validation.valid': true,
    });
    // A duration, not an instant: from reading the body to the handler, which then does its steps.
    expect(validate.end - validate.start).toBeGreaterThan(0);
    // In order, within the 1 ms the SDK's span clock can put between two spans (it starts each on Date.now()).
    expect(validate.start).toBeGreaterThanOrEqual(childNamed(root, 'authenticate').end - 1);
    expect(validate.end).toBeLessThanOrEqual(childNamed(root, 'rate limit decision').start + 1);

    const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'Patch me' } });
    const patched = await call('PATCH', `/todos/${todo.id}`, { completed: true });
    expect(patched.root).toMatchObject({ name: 'PATCH /todos/:id', attributes: { 'http.route': '/todos/:id' } });
    const validations = patched.root.children.filter((s) => s.name === 'validate request');
    expect(validations.map((s) => s.attributes['flowlab.validation.target'])).toEqual(['param,json']);
  });

  it('records a refusal as the client problem it is: 422, 400 and 415 leave no span in error', async () => {
    const unprocessable = await call('POST', '/todos', { title: '   ' });
    expect(unprocessable.status).toBe(422);
    expect(childNamed(unprocessable.root, 'validate request').attributes).toMatchObject({
      'flowlab.validation.target': 'json',
      'flowlab.validation.valid': false,
      'flowlab.validation.error_count': 1,
    });

    const malformed = await call('POST', '/todos', '{"title":');
    expect(malformed.status).toBe(400);
    const unsupported = await call('POST', '/todos', 'buy milk', { 'Content-Type': 'text/plain' });
    expect(unsupported.status).toBe(415);
    for (const { root } of [unprocessable, malformed, unsupported]) {
      expect(childNamed(root, 'validate request').attributes['flowlab.validation.valid']).toBe(false);
      // The business rules never ran.
      expect(root.children.map((s) => s.name)).not.toContain('rate limit decision');
      expect(flattenTree(root).filter((s) => s.status === 'error' || s.attributes['error.type'])).toEqual([]);
    }
  });

  it('marks a server error with error.type: the step that failed, and the SERVER span with its status', async () => {
    const failed = await call('POST', '/todos', { title: 'refused: by a trigger' });
    expect(failed.status).toBe(500);
    expect(failed.root.attributes).toMatchObject({ 'http.route': '/todos', 'error.type': '500' });
    const step = childNamed(failed.root, 'duplicate check');
    // P0001 is PostgreSQL's raise_exception.
    expect(step).toMatchObject({ status: 'error', attributes: { 'error.type': 'P0001' } });
  });

  it("writes categories' inline graph write as a graph write step, with its status", async () => {
    const created = await call('POST', '/categories', { name: 'Traced category' });
    expect(created.status).toBe(201);
    expect(created.root.name).toBe('POST /categories');
    expect(childNamed(created.root, 'graph write').attributes).toMatchObject({
      'flowlab.outbox.id': expect.any(Number),
      'flowlab.graph.status': 'disabled',
    });
    const deleted = await call('DELETE', `/categories/${created.json.id}`);
    expect(deleted.status).toBe(204);
    expect(childNamed(deleted.root, 'graph write').attributes['flowlab.graph.status']).toBe('disabled');
  });

  it('lists: the cache lookup says miss, then hit, and a hit reads no database', async () => {
    const miss = await call('GET', '/todos?limit=2');
    const hit = await call('GET', '/todos?limit=2');
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(childNamed(miss.root, 'cache lookup').attributes).toMatchObject({
      'flowlab.cache.outcome': 'miss',
      'flowlab.cache.store': 'memory',
    });
    expect(childNamed(miss.root, 'cache lookup').children.some(isDatabaseSpan)).toBe(true);
    expect(childNamed(hit.root, 'cache lookup').attributes).toMatchObject({ 'flowlab.cache.outcome': 'hit' });
    expect(childNamed(hit.root, 'cache lookup').children.some(isDatabaseSpan)).toBe(false);
  });

  it("makes no span at all for the lab's own paths (the trace views, probes), not even their steps", async () => {
    // /debug/traces validates its query (a `validate request` step): with no SERVER span it must
    // not become a trace of its own, or every look at the traces would add one.
    const looked = await spans.traced(() => t.send('GET', '/debug/traces?limit=5', { token }));
    expect(looked.status).toBe(200);
    const probed = await spans.traced(() => t.send('GET', '/healthz'));
    expect(probed.status).toBe(200);
    expect([...spans.spansOf(looked.traceId), ...spans.spansOf(probed.traceId)]).toEqual([]);
    expect(looked.headers.get('traceresponse')).toBeNull();
  });

  it('gives the SERVER span the HTTP semantic conventions, with the query redacted and nobody named', async () => {
    const listed = await call('GET', '/todos?q=my%20secret%20plans&limit=5');
    expect(listed.status).toBe(200);
    expect(listed.root).toMatchObject({ name: 'GET /todos', kind: 'SERVER' });
    expect(listed.root.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/todos',
      'url.scheme': 'http',
      'url.query': 'q=REDACTED&limit=5',
      'http.route': '/todos',
      'http.response.status_code': 200,
    });
    expect(listed.root.attributes).not.toHaveProperty('client.address');
    expect(listed.root.attributes).not.toHaveProperty('user_agent.original');
  });

  it('runs a request the sampler left out without any span, its log line still naming its trace', async () => {
    lines.length = 0;
    const listed = await spans.unsampled(() => t.send('GET', '/todos?limit=3', { token }));
    expect(listed.status).toBe(200);
    expect(listed.spans).toEqual([]);
    expect(listed.headers.get('traceresponse')).toMatch(new RegExp(`^00-${listed.traceId}-[0-9a-f]{16}-00$`));
    expect(listed.headers.get('server-timing')).toMatch(/^total;dur=[\d.]+$/);
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ trace_id: listed.traceId, status: 200 });
  });

  it('writes one log line per request, with its route, status and the SERVER span it belongs to', async () => {
    lines.length = 0;
    const missing = await call('GET', '/todos/987654321');
    expect(missing.status).toBe(404);
    const requestLines = lines.filter((line) => line.msg === 'request' || line.msg === 'request failed');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/todos/:id',
      path: '/todos/987654321',
      status: 404,
      trace_id: missing.traceId,
      span_id: missing.root.spanId,
      userId: expect.any(Number),
    });
    expect(missing.root.name).toBe('GET /todos/:id');
  });
});

describe('the validate request span of any route built with createRouter', () => {
  // A field whose check takes 5 ms: the span must last that long, not start once it is over.
  const slowCheck = z.string().refine((value) => {
    const until = performance.now() + 5;
    while (performance.now() < until);
    return value !== 'refused';
  });
  const router = createRouter().openapi(
    defineRoute('public', {
      method: 'post',
      path: '/checked/{id}',
      request: {
        params: z.object({ id: z.string() }),
        body: { content: { 'application/json': { schema: z.object({ name: slowCheck }) } }, required: true },
      },
      responses: { 204: { description: 'checked' } },
    }),
    (c) => c.body(null, 204),
  );
  // The app's error handler is not here: a refusal is simply a 422.
  router.onError((_error, c) => c.body(null, 422));
  const post = (name: string) =>
    spans.traced(async () =>
      router.request('/checked/1', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      }),
    );

  it('lasts as long as the validators work, for a valid request and a refused one', async () => {
    for (const [name, valid] of [
      ['accepted', true],
      ['refused', false],
    ] as const) {
      const { traceId } = await post(name);
      // A bare router has no request observer, so no SERVER span: the step is the trace's root.
      const validate = spans.tree(traceId);
      expect(validate.name).toBe('validate request');
      expect(validate.attributes).toMatchObject({
        'flowlab.validation.target': 'param,json',
        'flowlab.validation.valid': valid,
      });
      expect(validate.end - validate.start).toBeGreaterThanOrEqual(4.5);
    }
  });
});
