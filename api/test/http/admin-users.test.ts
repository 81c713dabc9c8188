/** The admin deactivates and reactivates an account; the next request with its token feels it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemOf } from '../helpers/responses.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'accounts-admin-token-0123456789';
const admin = as(ADMIN_TOKEN);

describe.each(backends)('account deactivation on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database, { ADMIN_TOKEN });
  });
  afterAll(async () => database?.destroy());

  const account = (id: number | string) => ({ param: { id: String(id) } });
  const listTodos = (token: string) => t.client.todos.$get({ query: {} }, as(token));

  it('takes effect on the next request (403), and reactivation gives the account back', async () => {
    const { user, email, password, token } = await t.signUp('deactivated');
    expect((await listTodos(token)).status).toBe(200);

    const users = t.client.admin.users[':id'];
    const off = await bodyOf(await users.deactivate.$post(account(user.id), admin), 200);
    expect(off).toEqual({ id: user.id, isActive: false });
    const refused = await problemOf(await listTodos(token), 403);
    expect(refused.type).toBe('/problems/account-inactive');
    expect((await t.client.auth.login.$post({ json: { email, password } })).status).toBe(403);

    const on = await users.reactivate.$post(account(user.id), admin);
    expect(await on.json()).toEqual({ id: user.id, isActive: true });
    expect((await listTodos(token)).status).toBe(200);
  });

  it("needs the admin token: a user's own token is a 401", async () => {
    const { user, token } = await t.signUp('self');
    const response = await t.client.admin.users[':id'].deactivate.$post(account(user.id), as(token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await listTodos(token)).status).toBe(200);
  });

  it('is a 404 for an account that does not exist, and a 422 naming the id for a bad one', async () => {
    const deactivate = t.client.admin.users[':id'].deactivate;
    expect((await deactivate.$post(account(2_000_000_000), admin)).status).toBe(404);
    const bad = await problemOf(await deactivate.$post(account('abc'), admin), 422);
    expect(bad.errors).toEqual([{ path: 'params.id', message: 'must be a positive integer' }]);
  });

  it('is in the OpenAPI document', async () => {
    // The document is served beside the typed routes, not among them: its shape is the OpenAPI spec's.
    const document = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/admin/users/{id}/deactivate', '/admin/users/{id}/reactivate']),
    );
  });
});
