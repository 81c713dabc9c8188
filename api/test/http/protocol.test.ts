/**
 * The HTTP contract around every route: request ids, the problem+json shape for each
 * kind of bad request, body limits, health and readiness, the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateCategorySchema } from '../../src/categories/categories.schemas.ts';
import { CURSOR_PATTERN } from '../../src/todos/todos.rules.ts';
import { CreateTodoSchema } from '../../src/todos/todos.schemas.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemIn, problemOf } from '../helpers/responses.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** The parts of an OpenAPI operation the document test reads. */
interface Operation {
  operationId?: string;
  security?: unknown[];
  tags?: string[];
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema: { allOf?: { $ref?: string; properties?: Record<string, { enum?: unknown[] }> }[] } }
      >;
    }
  >;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(backends)('the HTTP contract on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
    ({ token } = await t.signUp());
  });
  afterAll(async () => database?.destroy());

  describe('X-Request-ID', () => {
    it('keeps a valid incoming id, on success and on error', async () => {
      const ok = await t.send('GET', '/healthz', { headers: { 'X-Request-ID': 'lab-exercise-42' } });
      expect(ok.headers.get('x-request-id')).toBe('lab-exercise-42');
      const problem = await t.send('GET', '/todos', { headers: { 'X-Request-ID': 'lab-exercise-43' } });
      expect(problem.headers.get('x-request-id')).toBe('lab-exercise-43');
      expect(problemIn(problem, 401).requestId).toBe('lab-exercise-43');
    });

    it('replaces a missing or invalid id with a new UUID', async () => {
      const missing = await t.send('GET', '/healthz');
      expect(missing.headers.get('x-request-id')).toMatch(UUID);
      const invalid = await t.send('GET', '/healthz', { headers: { 'X-Request-ID': 'bad id; drop table' } });
      expect(invalid.headers.get('x-request-id')).toMatch(UUID);
      const tooLong = await t.send('GET', '/healthz', { headers: { 'X-Request-ID': 'a'.repeat(256) } });
      expect(tooLong.headers.get('x-request-id')).toMatch(UUID);
    });
  });

  describe('bad requests', () => {
    it('answers malformed JSON with 400', async () => {
      const response = await t.send('POST', '/todos', { token, body: '{"title": "unterminated' });
      expect(problemIn(response, 400)).toMatchObject({
        type: '/problems/malformed-json',
        status: 400,
        instance: '/todos',
      });
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
      'answers a %s body with 415',
      async (contentType) => {
        const response = await t.send('POST', '/todos', {
          token,
          body: 'title=x',
          headers: { 'Content-Type': contentType },
        });
        expect(problemIn(response, 415).type).toBe('/problems/unsupported-media-type');
      },
    );

    it('accepts JSON with a charset parameter', async () => {
      const response = await t.send('POST', '/todos', {
        token,
        body: { title: 'charset' },
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
      });
      expect(response.status).toBe(201);
    });

    it('answers a body over 64 KiB with 413, before reading it all', async () => {
      const body = JSON.stringify({ title: 'big', description: 'x'.repeat(64 * 1024) });
      const response = await t.send('POST', '/todos', { token, body });
      expect(problemIn(response, 413).type).toBe('/problems/payload-too-large');
    });

    it('answers a chunked body over the limit with 413 too', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await t.app.request('/todos', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: stream,
        // Node's fetch needs duplex for a streamed body (not yet in the DOM RequestInit type).
        duplex: 'half',
      });
      expect(response.status).toBe(413);
    });

    it('answers an unknown route with a 404 problem', async () => {
      const response = await t.send('GET', '/nothing/here');
      expect(problemIn(response, 404)).toMatchObject({ type: '/problems/not-found', instance: '/nothing/here' });
    });

    it('answers a method a path does not have with 405 and the Allow header', async () => {
      const get = await t.send('GET', '/auth/login');
      expect(get.headers.get('allow')).toBe('POST');
      expect(problemIn(get, 405)).toMatchObject({
        type: '/problems/method-not-allowed',
        status: 405,
        instance: '/auth/login',
      });

      expect((await t.send('DELETE', '/healthz')).headers.get('allow')).toBe('GET, HEAD');
      const put = await t.send('PUT', '/todos/1', { token, body: {} });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
      // A path that exists for no method stays a 404, and HEAD is answered wherever GET is.
      expect((await t.send('PUT', '/nothing/here')).status).toBe(404);
      expect((await t.send('HEAD', '/healthz')).status).toBe(200);
    });

    it('answers the admin routes with a 401 saying why when no ADMIN_TOKEN is configured', async () => {
      const response = await t.send('GET', '/admin/outbox/dead', {
        headers: { Authorization: 'Bearer anything-at-all' },
      });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="flowlab-admin"/);
      expect(problemIn(response, 401)).toMatchObject({
        type: '/problems/invalid-token',
        detail: expect.stringContaining('ADMIN_TOKEN'),
      });
    });

    it('serves the meaning of every problem type it links to', async () => {
      const catalogue = await bodyOf(await t.client.problems.$get(), 200);
      expect(catalogue.items.length).toBeGreaterThanOrEqual(10);
      for (const type of catalogue.items) {
        // Following the link: the type URI is the route /problems/{slug}.
        const slug = type.type.replace(/^\/problems\//, '');
        expect(type.type).toBe(`/problems/${slug}`);
        expect(await bodyOf(await t.client.problems[':slug'].$get({ param: { slug } }), 200)).toEqual(type);
      }
      expect((await t.client.problems[':slug'].$get({ param: { slug: 'no-such-problem' } })).status).toBe(404);
    });
  });

  describe('health', () => {
    it('answers /healthz and /readyz while the database is up', async () => {
      expect(await (await t.client.healthz.$get()).json()).toEqual({ status: 'ok' });
      const ready = await bodyOf(await t.client.readyz.$get(), 200);
      expect(ready).toMatchObject({ status: 'ready', checks: { postgresql: { status: 'up' } } });
    });
  });

  // The document is served beside the typed routes, not among them: these tests read it through `send`.
  describe('OpenAPI', () => {
    it('serves an OpenAPI 3.1 document generated from the validation schemas', async () => {
      const doc = await t.send('GET', '/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toBe('3.1.0');
      expect(Object.keys(doc.json.paths)).toEqual(
        expect.arrayContaining([
          '/auth/register',
          '/auth/login',
          '/auth/me',
          '/todos',
          '/todos/{id}',
          '/categories',
          '/categories/{id}',
        ]),
      );
      const createTodo = doc.json.components.schemas.CreateTodoRequest;
      // Trimmed, then 1 to 200 characters: a core of 1 + 198 + 1 inside any whitespace.
      expect(createTodo.properties.title).toMatchObject({
        type: 'string',
        pattern: expect.stringContaining('{0,198}'),
      });
      expect(createTodo.additionalProperties).toBe(false);
      expect(doc.json.paths['/todos'].post.responses).toHaveProperty('429');
      expect(doc.json.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    it('names every operation, says who may call it, and lists its problem types per status', async () => {
      const doc = (await t.send('GET', '/openapi.json')).json;
      expect(doc.info.license.name).toBe('MIT');
      expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
      const operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
        ([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
      );
      const ids = operations.map(({ operation }) => operation.operationId);
      expect(ids.every(Boolean)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { path, method, operation } of operations) {
        expect(Array.isArray(operation.security), `${method} ${path} security`).toBe(true);
        expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const [problem, narrowed] = response.content?.['application/problem+json']?.schema.allOf ?? [];
          expect(problem?.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/Problem');
          expect(narrowed?.properties?.status?.enum).toEqual([Number(status)]);
          expect(narrowed?.properties?.type?.enum?.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        }
      }
      const publicIds = operations
        .filter(({ operation }) => operation.security?.length === 0)
        .map((o) => o.operation.operationId);
      expect(publicIds).toEqual(
        expect.arrayContaining(['liveness', 'readiness', 'register', 'login', 'getProblemType']),
      );
      expect(publicIds).not.toContain('createTodo');
      // The cursor's documented pattern is the very one the API reads with.
      const cursor = doc.paths['/todos'].get.parameters.find((p: { name: string }) => p.name === 'cursor');
      expect(cursor.schema.pattern).toBe(CURSOR_PATTERN.source);
      expect(doc.paths['/todos'].post.responses['201'].links.getTodo).toEqual(
        expect.objectContaining({ operationId: 'getTodo', parameters: { id: '$response.body#/id' } }),
      );
    });

    // A trimmed field's pattern is the document's only statement of its length: it must agree
    // with the zod schema that really decides, whitespace of every kind around the text included.
    it.each([
      ['CreateCategoryRequest', 'name', CreateCategorySchema.shape.name, 50],
      ['CreateTodoRequest', 'title', CreateTodoSchema.shape.title, 200],
    ] as const)('states the trimmed length of %s.%s as the API checks it', async (component, field, schema, max) => {
      const doc = (await t.send('GET', '/openapi.json')).json;
      const property = doc.components.schemas[component].properties[field];
      expect(property).not.toHaveProperty('maxLength');
      const pattern = new RegExp(property.pattern);
      const samples = [
        ...['a', ' a ', '\u00a0a\u3000', '\ufeffa', '\na\u2028', '\x1ca', 'a\x1c', 'a b', '\u0085a'],
        ...['', '   ', '\t\u00a0\u202f', 'a'.repeat(max), `\u00a0${'a'.repeat(max)}\r\n`, 'a'.repeat(max + 1)],
        `b${' '.repeat(max - 2)}b`,
        `b${' '.repeat(max - 1)}b`,
      ];
      for (const sample of samples) {
        expect(pattern.test(sample), JSON.stringify(sample)).toBe(schema.safeParse(sample).success);
      }
    });

    it('serves an API reference page', async () => {
      const page = await t.send('GET', '/reference');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('/openapi.json');
    });
  });
});

describe.each(backends)('when the database fails, on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
    ({ token } = await t.signUp());
    // A real failure: the connections are closed under the running app.
    await database.close();
  });
  afterAll(async () => database?.destroy());

  it('answers /readyz with 503 naming PostgreSQL', async () => {
    const response = await t.client.readyz.$get();
    const text = await response.clone().text();
    expect(await problemOf(response, 503)).toMatchObject({
      type: '/problems/dependency-unavailable',
      dependency: 'postgresql',
      checks: { postgresql: { status: 'down' } },
    });
    expect(text).not.toMatch(/select 1|failed query/i);
  });

  it('answers an unexpected failure with a 500 carrying the request id, and no stack or SQL', async () => {
    const response = await t.send('GET', '/auth/me', { token, headers: { 'X-Request-ID': 'broken-db-1' } });
    const problem = problemIn(response, 500);
    expect(problem).toMatchObject({ type: '/problems/internal-error', status: 500, requestId: 'broken-db-1' });
    expect(problem.detail).toContain('broken-db-1');
    expect(response.text).not.toMatch(/\bat \S+ \(|select |from "users"|node_modules/i);
  });
});
