/** Per-user isolation: another user's todo or category is "not found", never "forbidden". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ID } from '../../src/http/strict-input.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(backends)('ownership on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;
  let alice: { token: string };
  let bob: { token: string };
  let aliceTodo: { id: number; title: string };
  let aliceCategory: { id: number };

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
    alice = await t.signUp('alice');
    bob = await t.signUp('bob');
    aliceCategory = (await t.send('POST', '/categories', { token: alice.token, body: { name: 'private' } })).json;
    aliceTodo = (
      await t.send('POST', '/todos', {
        token: alice.token,
        body: { title: "Alice's secret", categoryIds: [aliceCategory.id] },
      })
    ).json;
  });
  afterAll(async () => database?.destroy());

  it("hides Alice's todo from Bob: read, change and delete are all 404", async () => {
    const read = await t.send('GET', `/todos/${aliceTodo.id}`, { token: bob.token });
    const change = await t.send('PATCH', `/todos/${aliceTodo.id}`, { token: bob.token, body: { completed: true } });
    const remove = await t.send('DELETE', `/todos/${aliceTodo.id}`, { token: bob.token });
    for (const response of [read, change, remove]) {
      expect(response.status).toBe(404);
      expect(response.json.type).toBe('/problems/not-found');
    }
    // ...and the same answer as for an id that does not exist at all.
    const missing = await t.send('GET', `/todos/${MAX_ID}`, { token: bob.token });
    expect(missing.json.title).toBe(read.json.title);

    const stillThere = await t.send('GET', `/todos/${aliceTodo.id}`, { token: alice.token });
    expect(stillThere.json).toMatchObject({ title: "Alice's secret", completed: false });
  });

  it("never lists Alice's todos for Bob, even filtered by her category", async () => {
    expect((await t.send('GET', '/todos', { token: bob.token })).json.items).toEqual([]);
    expect((await t.send('GET', `/todos?category=${aliceCategory.id}`, { token: bob.token })).json.items).toEqual([]);
    expect((await t.send('GET', '/todos?q=secret', { token: bob.token })).json.items).toEqual([]);
  });

  it("keeps Alice's categories from Bob", async () => {
    expect((await t.send('GET', '/categories', { token: bob.token })).json.items).toEqual([]);
    expect((await t.send('DELETE', `/categories/${aliceCategory.id}`, { token: bob.token })).status).toBe(404);
    const bobTodo = await t.send('POST', '/todos', { token: bob.token, body: { title: 'mine' } });
    const attach = await t.send('PATCH', `/todos/${bobTodo.json.id}`, {
      token: bob.token,
      body: { categoryIds: [aliceCategory.id] },
    });
    expect(attach.status).toBe(422);
    expect((await t.send('GET', '/categories', { token: alice.token })).json.items).toHaveLength(1);
  });
});
