/** The todo lifecycle over HTTP, against a real PostgreSQL and against PGlite. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(backends)('todos on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
  });
  afterAll(async () => database?.destroy());

  it('walks the whole lifecycle: create, read, list, complete, reopen, delete', async () => {
    const { token } = await t.signUp();

    const created = await t.send('POST', '/todos', {
      token,
      body: { title: '  Learn tracing  ', description: 'spans all the way down', dueAt: '2026-12-01T09:00:00Z' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/todos/${created.json.id}`);
    expect(created.json).toMatchObject({
      title: 'Learn tracing',
      description: 'spans all the way down',
      completed: false,
      completedAt: null,
      dueAt: '2026-12-01T09:00:00.000Z',
      categories: [],
    });
    expect(Number.isInteger(created.json.id)).toBe(true);
    expect(Date.parse(created.json.createdAt)).not.toBeNaN();

    // With no graph configured, the change waits in the outbox.
    const { graph, ...todo } = created.json;
    expect(graph).toEqual({ status: 'disabled' });

    const read = await t.send('GET', `/todos/${created.json.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(todo);

    const list = await t.send('GET', '/todos', { token });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ items: [todo], nextCursor: null });

    const completed = await t.send('PATCH', `/todos/${created.json.id}`, { token, body: { completed: true } });
    expect(completed.status).toBe(200);
    expect(completed.json.completed).toBe(true);
    expect(Date.parse(completed.json.completedAt)).toBeGreaterThanOrEqual(Date.parse(created.json.createdAt));
    expect(Date.parse(completed.json.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.json.updatedAt));

    const reopened = await t.send('PATCH', `/todos/${created.json.id}`, { token, body: { completed: false } });
    expect(reopened.json).toMatchObject({ completed: false, completedAt: null });

    const deleted = await t.send('DELETE', `/todos/${created.json.id}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await t.send('GET', `/todos/${created.json.id}`, { token })).status).toBe(404);
    expect((await t.send('DELETE', `/todos/${created.json.id}`, { token })).status).toBe(404);
  });

  it('keeps the first completion time when a completed todo is completed again', async () => {
    const { token } = await t.signUp();
    const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'twice' } });
    const first = await t.send('PATCH', `/todos/${todo.id}`, { token, body: { completed: true } });
    const second = await t.send('PATCH', `/todos/${todo.id}`, { token, body: { completed: true, description: 'x' } });
    expect(second.json.completedAt).toBe(first.json.completedAt);
  });

  it('changes title, description, due date and categories with PATCH', async () => {
    const { token } = await t.signUp();
    const work = await t.send('POST', '/categories', { token, body: { name: 'work' } });
    const home = await t.send('POST', '/categories', { token, body: { name: 'home' } });
    const { json: todo } = await t.send('POST', '/todos', {
      token,
      body: { title: 'draft', categoryIds: [work.json.id] },
    });
    expect(todo.categories).toEqual([{ id: work.json.id, name: 'work' }]);

    const patched = await t.send('PATCH', `/todos/${todo.id}`, {
      token,
      body: {
        title: ' final ',
        description: null,
        dueAt: null,
        categoryIds: [home.json.id, work.json.id, home.json.id],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      title: 'final',
      description: null,
      dueAt: null,
      categories: [
        { id: home.json.id, name: 'home' },
        { id: work.json.id, name: 'work' },
      ],
    });
  });

  // Found by Schemathesis: PostgreSQL writes a year below 100 as "0099-12-31 ...", which
  // JavaScript's Date read as 1999, or not at all (a 500 after the write had happened).
  it.each(['0099-12-31T00:00:00.000Z', '0023-11-18T15:19:07.464Z', '0001-01-01T00:00:00.000Z'])(
    'keeps a due date in the first century as it was sent: %s',
    async (dueAt) => {
      const { token } = await t.signUp();
      const created = await t.send('POST', '/todos', { token, body: { title: 'ancient', dueAt } });
      expect(created.status).toBe(201);
      expect(created.json.dueAt).toBe(dueAt);
      const patched = await t.send('PATCH', `/todos/${created.json.id}`, { token, body: { dueAt } });
      expect(patched.json.dueAt).toBe(dueAt);
      expect((await t.send('GET', `/todos/${created.json.id}`, { token })).json.dueAt).toBe(dueAt);
    },
  );

  it('writes an outbox event in the same transaction as each change', async () => {
    const { token, user } = await t.signUp();
    const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'outboxed' } });
    await t.send('PATCH', `/todos/${todo.id}`, { token, body: { completed: true } });
    await t.send('PATCH', `/todos/${todo.id}`, { token, body: { title: 'renamed' } });
    await t.send('DELETE', `/todos/${todo.id}`, { token });
    // A refused change writes nothing.
    await t.send('PATCH', `/todos/${todo.id}`, { token, body: { completed: false } });

    const events = await database.db
      .select({ eventType: outbox.eventType, payload: outbox.payload, status: outbox.status })
      .from(outbox)
      .where(sql`${outbox.aggregateType} = 'todo' and ${outbox.aggregateId} = ${String(todo.id)}`)
      .orderBy(outbox.id);
    expect(events.map((e) => e.eventType)).toEqual(['todo.created', 'todo.completed', 'todo.updated', 'todo.deleted']);
    expect(events.every((e) => e.status === 'pending')).toBe(true);
    expect(events[0]?.payload).toMatchObject({ userId: user.id, todo: { id: todo.id, title: 'outboxed' } });
  });

  describe('title rules', () => {
    it.each([
      ['empty', '', 'must not be empty'],
      ['blank after trimming', '   \t ', 'must not be empty'],
      ['over 200 characters', 'x'.repeat(201), 'must be at most 200 characters'],
      ['not a string', 42, 'must be a string'],
    ])('refuses a title that is %s with 422', async (_case, title, message) => {
      const { token } = await t.signUp();
      const response = await t.send('POST', '/todos', { token, body: { title } });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json).toMatchObject({
        type: '/problems/validation-failed',
        status: 422,
        instance: '/todos',
        errors: [{ path: 'title', message }],
      });
    });

    it('accepts exactly 200 characters, counted after trimming', async () => {
      const { token } = await t.signUp();
      const response = await t.send('POST', '/todos', { token, body: { title: ` ${'x'.repeat(200)} ` } });
      expect(response.status).toBe(201);
      expect(response.json.title).toHaveLength(200);
    });

    it('refuses a missing title and unknown fields, naming each field', async () => {
      const { token } = await t.signUp();
      const response = await t.send('POST', '/todos', { token, body: { priority: 'high', owner: 3 } });
      expect(response.status).toBe(422);
      const paths = response.json.errors.map((e: { path: string }) => e.path).sort();
      expect(paths).toEqual(['owner', 'priority', 'title']);
    });

    it('refuses a duplicate title case-insensitively with 409, on create and on rename', async () => {
      const { token } = await t.signUp();
      expect((await t.send('POST', '/todos', { token, body: { title: 'Buy milk' } })).status).toBe(201);
      const duplicate = await t.send('POST', '/todos', { token, body: { title: '  BUY MILK ' } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.json).toMatchObject({ type: '/problems/duplicate-title', errors: [{ path: 'title' }] });

      const other = await t.send('POST', '/todos', { token, body: { title: 'Buy bread' } });
      const rename = await t.send('PATCH', `/todos/${other.json.id}`, { token, body: { title: 'buy milk' } });
      expect(rename.status).toBe(409);
      expect((await t.send('GET', `/todos/${other.json.id}`, { token })).json.title).toBe('Buy bread');
    });

    it('lets two users use the same title', async () => {
      const a = await t.signUp();
      const b = await t.signUp();
      expect((await t.send('POST', '/todos', { token: a.token, body: { title: 'Same' } })).status).toBe(201);
      expect((await t.send('POST', '/todos', { token: b.token, body: { title: 'same' } })).status).toBe(201);
    });

    it('gives one 201 and seven 409 for eight parallel identical creates (the unique index decides)', async () => {
      const { token } = await t.signUp();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => t.send('POST', '/todos', { token, body: { title: 'Race condition' } })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const list = await t.send('GET', '/todos', { token });
      expect(list.json.items).toHaveLength(1);
    });
  });

  describe('other field rules', () => {
    it.each([
      [{ title: 'a', dueAt: 'tomorrow' }, 'dueAt'],
      [{ title: 'a', description: 'd'.repeat(2001) }, 'description'],
      [{ title: 'a', categoryIds: 'work' }, 'categoryIds'],
      [{ title: 'a', categoryIds: [1.5] }, 'categoryIds.0'],
    ])('refuses %j with 422 on %s', async (body, path) => {
      const { token } = await t.signUp();
      const response = await t.send('POST', '/todos', { token, body });
      expect(response.status).toBe(422);
      expect(response.json.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    });

    it('refuses category ids that are not yours with 422 and creates nothing', async () => {
      const a = await t.signUp();
      const b = await t.signUp();
      const foreign = await t.send('POST', '/categories', { token: b.token, body: { name: 'secret' } });
      const response = await t.send('POST', '/todos', {
        token: a.token,
        body: { title: 'sneaky', categoryIds: [foreign.json.id, 999_999] },
      });
      expect(response.status).toBe(422);
      expect(response.json.errors).toEqual([
        { path: 'categoryIds', message: `unknown category ids: ${foreign.json.id}, 999999` },
      ]);
      expect((await t.send('GET', '/todos', { token: a.token })).json.items).toEqual([]);
    });

    it('refuses an empty PATCH with 422', async () => {
      const { token } = await t.signUp();
      const { json: todo } = await t.send('POST', '/todos', { token, body: { title: 'patch me' } });
      const response = await t.send('PATCH', `/todos/${todo.id}`, { token, body: {} });
      expect(response.status).toBe(422);
    });

    it('answers 422 for an id that is not a positive integer', async () => {
      const { token } = await t.signUp();
      const response = await t.send('GET', '/todos/abc', { token });
      expect(response.status).toBe(422);
      expect(response.json.errors).toEqual([{ path: 'params.id', message: 'must be a positive integer' }]);
    });
  });

  describe('the create rate limit', () => {
    it('allows 10 creates a minute and answers the 11th with 429 and Retry-After', async () => {
      const { token } = await t.signUp();
      for (let i = 1; i <= 10; i++) {
        const response = await t.send('POST', '/todos', { token, body: { title: `todo ${i}` } });
        expect(response.status).toBe(201);
        expect(response.headers.get('ratelimit-remaining')).toBe(String(10 - i));
        expect(response.headers.get('ratelimit-limit')).toBe('10');
      }
      const eleventh = await t.send('POST', '/todos', { token, body: { title: 'todo 11' } });
      expect(eleventh.status).toBe(429);
      expect(eleventh.json.type).toBe('/problems/rate-limited');
      const retryAfter = Number(eleventh.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(eleventh.headers.get('ratelimit-remaining')).toBe('0');

      // The limit is per user: someone else can still create.
      const other = await t.signUp();
      expect((await t.send('POST', '/todos', { token: other.token, body: { title: 'todo 11' } })).status).toBe(201);
    });

    it('frees the slots once the window has passed', async () => {
      const limited = createTestApp(database, { TODO_CREATE_LIMIT: '2', TODO_CREATE_WINDOW_SECONDS: '1' });
      const { token } = await limited.signUp();
      expect((await limited.send('POST', '/todos', { token, body: { title: 'one' } })).status).toBe(201);
      expect((await limited.send('POST', '/todos', { token, body: { title: 'two' } })).status).toBe(201);
      expect((await limited.send('POST', '/todos', { token, body: { title: 'three' } })).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await limited.send('POST', '/todos', { token, body: { title: 'three' } })).status).toBe(201);
    });
  });

  describe('listing', () => {
    // A separate app whose rate limit leaves room to create many todos quickly.
    let bulk: TestApp;
    let token: string;
    let ids: number[];

    beforeAll(async () => {
      bulk = createTestApp(database, { TODO_CREATE_LIMIT: '1000' });
      ({ token } = await bulk.signUp());
      const work = await bulk.send('POST', '/categories', { token, body: { name: 'work' } });
      ids = [];
      for (let i = 1; i <= 25; i++) {
        const response = await bulk.send('POST', '/todos', {
          token,
          body: {
            title: i % 5 === 0 ? `Report ${i} (50%_done)` : `Task ${i}`,
            categoryIds: i % 2 ? [work.json.id] : [],
          },
        });
        ids.push(response.json.id);
        if (i % 3 === 0) await bulk.send('PATCH', `/todos/${response.json.id}`, { token, body: { completed: true } });
      }
    });

    it('pages through more than one page with a stable, newest-first order and no todo seen twice', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=7&cursor=${encodeURIComponent(cursor)}` : '?limit=7';
        const page = await bulk.send('GET', `/todos${query}`, { token });
        expect(page.status).toBe(200);
        expect(page.json.items.length).toBeLessThanOrEqual(7);
        seen.push(...page.json.items.map((todo: { id: number }) => todo.id));
        cursor = page.json.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen).toEqual([...ids].reverse());
    });

    it('ends with nextCursor null when the last page is exactly full', async () => {
      const page = await bulk.send('GET', '/todos?limit=25', { token });
      expect(page.json.items).toHaveLength(25);
      expect(page.json.nextCursor).toBeNull();
    });

    it('filters by completed, category and title search, and combines them', async () => {
      const completed = await bulk.send('GET', '/todos?completed=true&limit=100', { token });
      expect(completed.json.items.map((t: { id: number }) => t.id)).toEqual(
        ids.filter((_, i) => (i + 1) % 3 === 0).reverse(),
      );
      const open = await bulk.send('GET', '/todos?completed=false&limit=100', { token });
      expect(open.json.items).toHaveLength(25 - 8);

      const categories = await bulk.send('GET', '/categories', { token });
      const workId = categories.json.items[0].id;
      const inWork = await bulk.send('GET', `/todos?category=${workId}&limit=100`, { token });
      expect(inWork.json.items).toHaveLength(13);
      expect(inWork.json.items.every((t: { categories: unknown[] }) => t.categories.length === 1)).toBe(true);

      const search = await bulk.send('GET', '/todos?q=REPORT', { token });
      expect(search.json.items.map((t: { title: string }) => t.title)).toEqual([
        'Report 25 (50%_done)',
        'Report 20 (50%_done)',
        'Report 15 (50%_done)',
        'Report 10 (50%_done)',
        'Report 5 (50%_done)',
      ]);
      // LIKE wildcards in the search are literal characters.
      expect((await bulk.send('GET', '/todos?q=50%25_d', { token })).json.items).toHaveLength(5);
      expect((await bulk.send('GET', '/todos?q=%25', { token })).json.items).toHaveLength(5);

      const combined = await bulk.send('GET', `/todos?q=report&completed=true&category=${workId}`, { token });
      expect(combined.json.items.map((t: { title: string }) => t.title)).toEqual(['Report 15 (50%_done)']);
    });

    it.each([
      ['?limit=0', 'query.limit'],
      ['?limit=101', 'query.limit'],
      ['?limit=ten', 'query.limit'],
      ['?completed=yes', 'query.completed'],
      ['?category=-1', 'query.category'],
      ['?cursor=not-a-cursor', 'query.cursor'],
    ])('refuses %s with 422 on %s', async (query, path) => {
      const response = await bulk.send('GET', `/todos${query}`, { token });
      expect(response.status).toBe(422);
      expect(response.json.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    });
  });
});
