/** The todo lifecycle over HTTP, against a real PostgreSQL and against PGlite. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemIn, problemOf } from '../helpers/responses.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

/** The path parameter of /todos/{id} (and /categories/{id}) for a todo the test holds. */
const byId = (thing: { id: number }) => ({ param: { id: String(thing.id) } });

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

    const response = await t.client.todos.$post(
      { json: { title: '  Learn tracing  ', description: 'spans all the way down', dueAt: '2026-12-01T09:00:00Z' } },
      as(token),
    );
    const created = await bodyOf(response, 201);
    expect(response.headers.get('location')).toBe(`/todos/${created.id}`);
    expect(created).toMatchObject({
      title: 'Learn tracing',
      description: 'spans all the way down',
      completed: false,
      completedAt: null,
      dueAt: '2026-12-01T09:00:00.000Z',
      categories: [],
    });
    expect(Number.isInteger(created.id)).toBe(true);
    expect(Date.parse(created.createdAt)).not.toBeNaN();

    // With no graph configured, the change waits in the outbox.
    const { graph, ...todo } = created;
    expect(graph).toEqual({ status: 'disabled' });

    const read = await bodyOf(await t.client.todos[':id'].$get(byId(created), as(token)), 200);
    expect(read).toEqual(todo);

    const list = await bodyOf(await t.client.todos.$get({ query: {} }, as(token)), 200);
    expect(list).toEqual({ items: [todo], nextCursor: null });

    const completed = await bodyOf(
      await t.client.todos[':id'].$patch({ ...byId(created), json: { completed: true } }, as(token)),
      200,
    );
    expect(completed.completed).toBe(true);
    expect(Date.parse(completed.completedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
    expect(Date.parse(completed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    const reopened = await t.client.todos[':id'].$patch({ ...byId(created), json: { completed: false } }, as(token));
    expect(await reopened.json()).toMatchObject({ completed: false, completedAt: null });

    const deleted = await t.client.todos[':id'].$delete(byId(created), as(token));
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await t.client.todos[':id'].$get(byId(created), as(token))).status).toBe(404);
    expect((await t.client.todos[':id'].$delete(byId(created), as(token))).status).toBe(404);
  });

  it('keeps the first completion time when a completed todo is completed again', async () => {
    const { token } = await t.signUp();
    const todo = await bodyOf(await t.client.todos.$post({ json: { title: 'twice' } }, as(token)), 201);
    const patch = (json: { completed: boolean; description?: string }) =>
      t.client.todos[':id'].$patch({ ...byId(todo), json }, as(token)).then((response) => bodyOf(response, 200));
    const first = await patch({ completed: true });
    const second = await patch({ completed: true, description: 'x' });
    expect(second.completedAt).toBe(first.completedAt);
  });

  it('changes title, description, due date and categories with PATCH', async () => {
    const { token } = await t.signUp();
    const category = async (name: string) =>
      bodyOf(await t.client.categories.$post({ json: { name } }, as(token)), 201);
    const work = await category('work');
    const home = await category('home');
    const todo = await bodyOf(
      await t.client.todos.$post({ json: { title: 'draft', categoryIds: [work.id] } }, as(token)),
      201,
    );
    expect(todo.categories).toEqual([{ id: work.id, name: 'work' }]);

    const response = await t.client.todos[':id'].$patch(
      {
        ...byId(todo),
        json: { title: ' final ', description: null, dueAt: null, categoryIds: [home.id, work.id, home.id] },
      },
      as(token),
    );
    expect(await bodyOf(response, 200)).toMatchObject({
      title: 'final',
      description: null,
      dueAt: null,
      categories: [
        { id: home.id, name: 'home' },
        { id: work.id, name: 'work' },
      ],
    });
  });

  // Found by Schemathesis: PostgreSQL writes a year below 100 as "0099-12-31 ...", which
  // JavaScript's Date read as 1999, or not at all (a 500 after the write had happened).
  it.each(['0099-12-31T00:00:00.000Z', '0023-11-18T15:19:07.464Z', '0001-01-01T00:00:00.000Z'])(
    'keeps a due date in the first century as it was sent: %s',
    async (dueAt) => {
      const { token } = await t.signUp();
      const created = await bodyOf(await t.client.todos.$post({ json: { title: 'ancient', dueAt } }, as(token)), 201);
      expect(created.dueAt).toBe(dueAt);
      const patched = await t.client.todos[':id'].$patch({ ...byId(created), json: { dueAt } }, as(token));
      expect((await bodyOf(patched, 200)).dueAt).toBe(dueAt);
      expect((await bodyOf(await t.client.todos[':id'].$get(byId(created), as(token)), 200)).dueAt).toBe(dueAt);
    },
  );

  it('writes an outbox event in the same transaction as each change', async () => {
    const { token, user } = await t.signUp();
    const todo = await bodyOf(await t.client.todos.$post({ json: { title: 'outboxed' } }, as(token)), 201);
    await t.client.todos[':id'].$patch({ ...byId(todo), json: { completed: true } }, as(token));
    await t.client.todos[':id'].$patch({ ...byId(todo), json: { title: 'renamed' } }, as(token));
    await t.client.todos[':id'].$delete(byId(todo), as(token));
    // A refused change writes nothing.
    await t.client.todos[':id'].$patch({ ...byId(todo), json: { completed: false } }, as(token));

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
      // `send`, not the typed client: 42 is a title the contract's type refuses before the API could.
      const response = await t.send('POST', '/todos', { token, body: { title } });
      expect(problemIn(response, 422)).toMatchObject({
        type: '/problems/validation-failed',
        status: 422,
        instance: '/todos',
        errors: [{ path: 'title', message }],
      });
    });

    it('accepts exactly 200 characters, counted after trimming', async () => {
      const { token } = await t.signUp();
      const response = await t.client.todos.$post({ json: { title: ` ${'x'.repeat(200)} ` } }, as(token));
      expect((await bodyOf(response, 201)).title).toHaveLength(200);
    });

    it('refuses a missing title and unknown fields, naming each field', async () => {
      const { token } = await t.signUp();
      const response = await t.send('POST', '/todos', { token, body: { priority: 'high', owner: 3 } });
      const paths = (problemIn(response, 422).errors ?? []).map((e) => e.path).sort();
      expect(paths).toEqual(['owner', 'priority', 'title']);
    });

    it('refuses a duplicate title case-insensitively with 409, on create and on rename', async () => {
      const { token } = await t.signUp();
      expect((await t.client.todos.$post({ json: { title: 'Buy milk' } }, as(token))).status).toBe(201);
      const duplicate = await t.client.todos.$post({ json: { title: '  BUY MILK ' } }, as(token));
      expect(await problemOf(duplicate, 409)).toMatchObject({
        type: '/problems/duplicate-title',
        errors: [{ path: 'title' }],
      });

      const other = await bodyOf(await t.client.todos.$post({ json: { title: 'Buy bread' } }, as(token)), 201);
      const rename = await t.client.todos[':id'].$patch({ ...byId(other), json: { title: 'buy milk' } }, as(token));
      expect(rename.status).toBe(409);
      expect((await bodyOf(await t.client.todos[':id'].$get(byId(other), as(token)), 200)).title).toBe('Buy bread');
    });

    it('lets two users use the same title', async () => {
      const a = await t.signUp();
      const b = await t.signUp();
      expect((await t.client.todos.$post({ json: { title: 'Same' } }, as(a.token))).status).toBe(201);
      expect((await t.client.todos.$post({ json: { title: 'same' } }, as(b.token))).status).toBe(201);
    });

    it('gives one 201 and seven 409 for eight parallel identical creates (the unique index decides)', async () => {
      const { token } = await t.signUp();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => t.client.todos.$post({ json: { title: 'Race condition' } }, as(token))),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const list = await bodyOf(await t.client.todos.$get({ query: {} }, as(token)), 200);
      expect(list.items).toHaveLength(1);
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
      // `send`: some of these bodies (categoryIds: 'work') are ones the contract's type refuses.
      const response = await t.send('POST', '/todos', { token, body });
      expect((problemIn(response, 422).errors ?? []).map((e) => e.path)).toEqual([path]);
    });

    it('refuses category ids that are not yours with 422 and creates nothing', async () => {
      const a = await t.signUp();
      const b = await t.signUp();
      const foreign = await bodyOf(await t.client.categories.$post({ json: { name: 'secret' } }, as(b.token)), 201);
      const response = await t.client.todos.$post(
        { json: { title: 'sneaky', categoryIds: [foreign.id, 999_999] } },
        as(a.token),
      );
      expect((await problemOf(response, 422)).errors).toEqual([
        { path: 'categoryIds', message: `unknown category ids: ${foreign.id}, 999999` },
      ]);
      expect((await bodyOf(await t.client.todos.$get({ query: {} }, as(a.token)), 200)).items).toEqual([]);
    });

    it('refuses an empty PATCH with 422', async () => {
      const { token } = await t.signUp();
      const todo = await bodyOf(await t.client.todos.$post({ json: { title: 'patch me' } }, as(token)), 201);
      const response = await t.client.todos[':id'].$patch({ ...byId(todo), json: {} }, as(token));
      expect(response.status).toBe(422);
    });

    it('answers 422 for an id that is not a positive integer', async () => {
      const { token } = await t.signUp();
      const response = await t.client.todos[':id'].$get({ param: { id: 'abc' } }, as(token));
      expect((await problemOf(response, 422)).errors).toEqual([
        { path: 'params.id', message: 'must be a positive integer' },
      ]);
    });
  });

  describe('the create rate limit', () => {
    it('allows 10 creates a minute and answers the 11th with 429 and Retry-After', async () => {
      const { token } = await t.signUp();
      for (let i = 1; i <= 10; i++) {
        const response = await t.client.todos.$post({ json: { title: `todo ${i}` } }, as(token));
        expect(response.status).toBe(201);
        expect(response.headers.get('ratelimit-remaining')).toBe(String(10 - i));
        expect(response.headers.get('ratelimit-limit')).toBe('10');
      }
      const eleventh = await t.client.todos.$post({ json: { title: 'todo 11' } }, as(token));
      expect((await problemOf(eleventh, 429)).type).toBe('/problems/rate-limited');
      const retryAfter = Number(eleventh.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(eleventh.headers.get('ratelimit-remaining')).toBe('0');

      // The limit is per user: someone else can still create.
      const other = await t.signUp();
      expect((await t.client.todos.$post({ json: { title: 'todo 11' } }, as(other.token))).status).toBe(201);
    });

    it('frees the slots once the window has passed', async () => {
      const limited = createTestApp(database, { TODO_CREATE_LIMIT: '2', TODO_CREATE_WINDOW_SECONDS: '1' });
      const { token } = await limited.signUp();
      const create = (title: string) => limited.client.todos.$post({ json: { title } }, as(token));
      expect((await create('one')).status).toBe(201);
      expect((await create('two')).status).toBe(201);
      expect((await create('three')).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await create('three')).status).toBe(201);
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
      const work = await bodyOf(await bulk.client.categories.$post({ json: { name: 'work' } }, as(token)), 201);
      ids = [];
      for (let i = 1; i <= 25; i++) {
        const title = i % 5 === 0 ? `Report ${i} (50%_done)` : `Task ${i}`;
        const response = await bulk.client.todos.$post(
          { json: { title, categoryIds: i % 2 ? [work.id] : [] } },
          as(token),
        );
        const todo = await bodyOf(response, 201);
        ids.push(todo.id);
        if (i % 3 === 0) await bulk.client.todos[':id'].$patch({ ...byId(todo), json: { completed: true } }, as(token));
      }
    });

    it('pages through more than one page with a stable, newest-first order and no todo seen twice', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: { limit: string; cursor?: string } = cursor ? { limit: '7', cursor } : { limit: '7' };
        const page = await bodyOf(await bulk.client.todos.$get({ query }, as(token)), 200);
        expect(page.items.length).toBeLessThanOrEqual(7);
        seen.push(...page.items.map((todo) => todo.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen).toEqual([...ids].reverse());
    });

    it('ends with nextCursor null when the last page is exactly full', async () => {
      const page = await bodyOf(await bulk.client.todos.$get({ query: { limit: '25' } }, as(token)), 200);
      expect(page.items).toHaveLength(25);
      expect(page.nextCursor).toBeNull();
    });

    it('filters by completed, category and title search, and combines them', async () => {
      const list = async (query: Record<string, string>) =>
        (await bodyOf(await bulk.client.todos.$get({ query }, as(token)), 200)).items;
      const completed = await list({ completed: 'true', limit: '100' });
      expect(completed.map((t) => t.id)).toEqual(ids.filter((_, i) => (i + 1) % 3 === 0).reverse());
      const open = await list({ completed: 'false', limit: '100' });
      expect(open).toHaveLength(25 - 8);

      const categories = await bodyOf(await bulk.client.categories.$get({}, as(token)), 200);
      const workId = String(categories.items[0]?.id);
      const inWork = await list({ category: workId, limit: '100' });
      expect(inWork).toHaveLength(13);
      expect(inWork.every((t) => t.categories.length === 1)).toBe(true);

      const search = await list({ q: 'REPORT' });
      expect(search.map((t) => t.title)).toEqual([
        'Report 25 (50%_done)',
        'Report 20 (50%_done)',
        'Report 15 (50%_done)',
        'Report 10 (50%_done)',
        'Report 5 (50%_done)',
      ]);
      // LIKE wildcards in the search are literal characters.
      expect(await list({ q: '50%_d' })).toHaveLength(5);
      expect(await list({ q: '%' })).toHaveLength(5);

      const combined = await list({ q: 'report', completed: 'true', category: workId });
      expect(combined.map((t) => t.title)).toEqual(['Report 15 (50%_done)']);
    });

    it.each([
      ['?limit=0', 'query.limit'],
      ['?limit=101', 'query.limit'],
      ['?limit=ten', 'query.limit'],
      ['?completed=yes', 'query.completed'],
      ['?category=-1', 'query.category'],
      ['?cursor=not-a-cursor', 'query.cursor'],
    ])('refuses %s with 422 on %s', async (query, path) => {
      // `send`: the query as a client would write it by hand, outside what the contract allows.
      const response = await bulk.send('GET', `/todos${query}`, { token });
      expect((problemIn(response, 422).errors ?? []).map((e) => e.path)).toEqual([path]);
    });
  });
});
