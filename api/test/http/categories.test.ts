/** Categories: create, list, delete, and what deleting does to todos. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemOf } from '../helpers/responses.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(backends)('categories on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
  });
  afterAll(async () => database?.destroy());

  it('creates, lists by name and deletes', async () => {
    const { token } = await t.signUp();
    const response = await t.client.categories.$post({ json: { name: ' work ' } }, as(token));
    const work = await bodyOf(response, 201);
    expect(response.headers.get('location')).toBe(`/categories/${work.id}`);
    expect(work).toEqual({ id: expect.any(Number), name: 'work', createdAt: expect.any(String) });
    await t.client.categories.$post({ json: { name: 'errands' } }, as(token));

    const list = await bodyOf(await t.client.categories.$get({}, as(token)), 200);
    expect(list.items.map((c) => c.name)).toEqual(['errands', 'work']);

    const byId = { param: { id: String(work.id) } };
    expect((await t.client.categories[':id'].$delete(byId, as(token))).status).toBe(204);
    expect((await bodyOf(await t.client.categories.$get({}, as(token)), 200)).items.map((c) => c.name)).toEqual([
      'errands',
    ]);
    expect((await t.client.categories[':id'].$delete(byId, as(token))).status).toBe(404);
  });

  it('refuses a duplicate name case-insensitively with 409', async () => {
    const { token } = await t.signUp();
    await t.client.categories.$post({ json: { name: 'Home' } }, as(token));
    const duplicate = await problemOf(await t.client.categories.$post({ json: { name: 'HOME' } }, as(token)), 409);
    expect(duplicate.type).toBe('/problems/duplicate-category');
  });

  // Bodies the contract refuses, so they go through `send` (raw JSON) rather than the typed client.
  it.each([[{ name: '' }], [{ name: 'x'.repeat(51) }], [{ name: 'ok', colour: 'red' }], [{}]])(
    'refuses %j with 422',
    async (body) => {
      const { token } = await t.signUp();
      expect((await t.send('POST', '/categories', { token, body })).status).toBe(422);
    },
  );

  it('removes a deleted category from its todos, which stay', async () => {
    const { token } = await t.signUp();
    const temp = await bodyOf(await t.client.categories.$post({ json: { name: 'temp' } }, as(token)), 201);
    const todo = await bodyOf(
      await t.client.todos.$post({ json: { title: 'tagged', categoryIds: [temp.id] } }, as(token)),
      201,
    );
    expect(todo.categories).toHaveLength(1);
    await t.client.categories[':id'].$delete({ param: { id: String(temp.id) } }, as(token));
    const after = await bodyOf(await t.client.todos[':id'].$get({ param: { id: String(todo.id) } }, as(token)), 200);
    expect(after.categories).toEqual([]);
  });
});
