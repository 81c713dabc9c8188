/** The admin deactivates and reactivates an account; the next request with its token feels it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'accounts-admin-token-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(backends)('account deactivation on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database, { ADMIN_TOKEN });
  });
  afterAll(async () => database?.destroy());

  it('takes effect on the next request (403), and reactivation gives the account back', async () => {
    const { user, email, password, token } = await t.signUp('deactivated');
    expect((await t.send('GET', '/todos', { token })).status).toBe(200);

    const off = await t.send('POST', `/admin/users/${user.id}/deactivate`, { headers: admin });
    expect(off.status).toBe(200);
    expect(off.json).toEqual({ id: user.id, isActive: false });
    const refused = await t.send('GET', '/todos', { token });
    expect(refused.status).toBe(403);
    expect(refused.json.type).toBe('/problems/account-inactive');
    expect((await t.send('POST', '/auth/login', { body: { email, password } })).status).toBe(403);

    const on = await t.send('POST', `/admin/users/${user.id}/reactivate`, { headers: admin });
    expect(on.json).toEqual({ id: user.id, isActive: true });
    expect((await t.send('GET', '/todos', { token })).status).toBe(200);
  });

  it("needs the admin token: a user's own token is a 401", async () => {
    const { user, token } = await t.signUp('self');
    const response = await t.send('POST', `/admin/users/${user.id}/deactivate`, { token });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await t.send('GET', '/todos', { token })).status).toBe(200);
  });

  it('is a 404 for an account that does not exist, and a 422 naming the id for a bad one', async () => {
    const missing = await t.send('POST', '/admin/users/2000000000/deactivate', { headers: admin });
    expect(missing.status).toBe(404);
    const bad = await t.send('POST', '/admin/users/abc/deactivate', { headers: admin });
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([{ path: 'params.id', message: 'must be a positive integer' }]);
  });

  it('is in the OpenAPI document', async () => {
    const { json } = await t.send('GET', '/openapi.json');
    expect(Object.keys(json.paths)).toEqual(
      expect.arrayContaining(['/admin/users/{id}/deactivate', '/admin/users/{id}/reactivate']),
    );
  });
});
