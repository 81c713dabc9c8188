/** Categories: create, list, delete, and what deleting does to todos. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

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
    const work = await t.send('POST', '/categories', { token, body: { name: ' work ' } });
    expect(work.status).toBe(201);
    expect(work.headers.get('location')).toBe(`/categories/${work.json.id}`);
    expect(work.json).toEqual({ id: expect.any(Number), name: 'work', createdAt: expect.any(String) });
    await t.send('POST', '/categories', { token, body: { name: 'errands' } });

    const list = await t.send('GET', '/categories', { token });
    expect(list.json.items.map((c: { name: string }) => c.name)).toEqual(['errands', 'work']);

    expect((await t.send('DELETE', `/categories/${work.json.id}`, { token })).status).toBe(204);
    expect((await t.send('GET', '/categories', { token })).json.items.map((c: { name: string }) => c.name)).toEqual([
      'errands',
    ]);
    expect((await t.send('DELETE', `/categories/${work.json.id}`, { token })).status).toBe(404);
  });

  it('refuses a duplicate name case-insensitively with 409', async () => {
    const { token } = await t.signUp();
    await t.send('POST', '/categories', { token, body: { name: 'Home' } });
    const duplicate = await t.send('POST', '/categories', { token, body: { name: 'HOME' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.type).toBe('/problems/duplicate-category');
  });

  it.each([[{ name: '' }], [{ name: 'x'.repeat(51) }], [{ name: 'ok', colour: 'red' }], [{}]])(
    'refuses %j with 422',
    async (body) => {
      const { token } = await t.signUp();
      expect((await t.send('POST', '/categories', { token, body })).status).toBe(422);
    },
  );

  it('removes a deleted category from its todos, which stay', async () => {
    const { token } = await t.signUp();
    const temp = await t.send('POST', '/categories', { token, body: { name: 'temp' } });
    const todo = await t.send('POST', '/todos', { token, body: { title: 'tagged', categoryIds: [temp.json.id] } });
    expect(todo.json.categories).toHaveLength(1);
    await t.send('DELETE', `/categories/${temp.json.id}`, { token });
    const after = await t.send('GET', `/todos/${todo.json.id}`, { token });
    expect(after.status).toBe(200);
    expect(after.json.categories).toEqual([]);
  });
});
