/** Per-user isolation: another user's todo or category is "not found", never "forbidden". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ID } from '../../src/http/strict-input.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemOf } from '../helpers/responses.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

const byId = (id: number) => ({ param: { id: String(id) } });

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
    aliceCategory = await bodyOf(await t.client.categories.$post({ json: { name: 'private' } }, as(alice.token)), 201);
    aliceTodo = await bodyOf(
      await t.client.todos.$post(
        { json: { title: "Alice's secret", categoryIds: [aliceCategory.id] } },
        as(alice.token),
      ),
      201,
    );
  });
  afterAll(async () => database?.destroy());

  it("hides Alice's todo from Bob: read, change and delete are all 404", async () => {
    const todo = t.client.todos[':id'];
    const read = await problemOf(await todo.$get(byId(aliceTodo.id), as(bob.token)), 404);
    const change = await problemOf(
      await todo.$patch({ ...byId(aliceTodo.id), json: { completed: true } }, as(bob.token)),
      404,
    );
    const remove = await problemOf(await todo.$delete(byId(aliceTodo.id), as(bob.token)), 404);
    for (const problem of [read, change, remove]) expect(problem.type).toBe('/problems/not-found');
    // ...and the same answer as for an id that does not exist at all.
    const missing = await problemOf(await todo.$get(byId(MAX_ID), as(bob.token)), 404);
    expect(missing.title).toBe(read.title);

    const stillThere = await bodyOf(await todo.$get(byId(aliceTodo.id), as(alice.token)), 200);
    expect(stillThere).toMatchObject({ title: "Alice's secret", completed: false });
  });

  it("never lists Alice's todos for Bob, even filtered by her category", async () => {
    const list = async (query: Record<string, string>) =>
      (await bodyOf(await t.client.todos.$get({ query }, as(bob.token)), 200)).items;
    expect(await list({})).toEqual([]);
    expect(await list({ category: String(aliceCategory.id) })).toEqual([]);
    expect(await list({ q: 'secret' })).toEqual([]);
  });

  it("keeps Alice's categories from Bob", async () => {
    expect((await bodyOf(await t.client.categories.$get({}, as(bob.token)), 200)).items).toEqual([]);
    expect((await t.client.categories[':id'].$delete(byId(aliceCategory.id), as(bob.token))).status).toBe(404);
    const bobTodo = await bodyOf(await t.client.todos.$post({ json: { title: 'mine' } }, as(bob.token)), 201);
    const attach = await t.client.todos[':id'].$patch(
      { ...byId(bobTodo.id), json: { categoryIds: [aliceCategory.id] } },
      as(bob.token),
    );
    expect(attach.status).toBe(422);
    expect((await bodyOf(await t.client.categories.$get({}, as(alice.token)), 200)).items).toHaveLength(1);
  });
});
