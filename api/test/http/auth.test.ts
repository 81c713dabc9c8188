/** Registration, login and the current user, against a real PostgreSQL and PGlite. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemIn, problemOf } from '../helpers/responses.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(backends)('auth on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
  });
  afterAll(async () => database?.destroy());

  it('registers a user and never returns or stores the password in clear', async () => {
    const response = await t.client.auth.register.$post({
      json: { email: '  Grace@Example.COM ', password: 'hopper-1906', name: 'Grace' },
    });
    const text = await response.clone().text();
    const registered = await bodyOf(response, 201);
    expect(registered).toEqual({
      id: expect.any(Number),
      email: 'grace@example.com',
      name: 'Grace',
      isActive: true,
      createdAt: expect.any(String),
    });
    expect(text).not.toMatch(/hopper-1906|password|scrypt/i);

    const [row] = await database.db.select().from(users).where(eq(users.id, registered.id));
    expect(row?.passwordHash).toMatch(/^scrypt\$10\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row?.passwordHash).not.toContain('hopper-1906');
  });

  it('answers 409 for an email already registered, whatever its case', async () => {
    const body = { email: 'dup@example.com', password: 'long enough password' };
    expect((await t.client.auth.register.$post({ json: body })).status).toBe(201);
    const again = await t.client.auth.register.$post({ json: { ...body, email: 'DUP@example.com' } });
    expect(await problemOf(again, 409)).toMatchObject({ type: '/problems/email-taken', status: 409 });
  });

  it.each([
    [{ email: 'not-an-email', password: 'long enough password' }, ['email']],
    [{ email: 'a@example.com', password: 'short' }, ['password']],
    [{ email: 'a@example.com', password: 'x'.repeat(129) }, ['password']],
    [{ email: 'a@example.com', password: 'long enough password', name: '' }, ['name']],
    [{ email: 'a@example.com', password: 'long enough password', role: 'admin' }, ['role']],
    [{}, ['email', 'password']],
  ])('refuses registration %j with 422 naming %j', async (body, paths) => {
    // `send`: some of these bodies ({}, role: 'admin') are ones the contract's type refuses.
    const response = await t.send('POST', '/auth/register', { body });
    expect((problemIn(response, 422).errors ?? []).map((e) => e.path).sort()).toEqual(paths);
  });

  it('logs in with a bearer token that opens /auth/me', async () => {
    const email = 'login@example.com';
    await t.client.auth.register.$post({ json: { email, password: 'open sesame 123' } });
    const response = await t.client.auth.login.$post({
      json: { email: 'LOGIN@example.com', password: 'open sesame 123' },
    });
    const login = await bodyOf(response, 200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(login).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    expect(login.accessToken.split('.')).toHaveLength(3);

    const me = await bodyOf(await t.client.auth.me.$get({}, as(login.accessToken)), 200);
    expect(me).toMatchObject({ email, isActive: true });
  });

  it('gives the same 401 for an unknown email and for a wrong password', async () => {
    await t.client.auth.register.$post({ json: { email: 'known@example.com', password: 'the right one' } });
    const login = t.client.auth.login;
    const wrongPassword = await login.$post({ json: { email: 'known@example.com', password: 'the wrong one' } });
    const unknownEmail = await login.$post({ json: { email: 'nobody@example.com', password: 'the right one' } });
    const { requestId: _a, ...first } = await problemOf(wrongPassword, 401);
    const { requestId: _b, ...second } = await problemOf(unknownEmail, 401);
    expect(first).toEqual(second);
    expect(first.type).toBe('/problems/invalid-credentials');
  });

  it('refuses an inactive user with 403, at login and with a token issued before', async () => {
    const { user, email, password, token } = await t.signUp('inactive');
    await database.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));

    const login = await problemOf(await t.client.auth.login.$post({ json: { email, password } }), 403);
    expect(login.type).toBe('/problems/account-inactive');

    const list = await problemOf(await t.client.todos.$get({ query: {} }, as(token)), 403);
    expect(list.type).toBe('/problems/account-inactive');
    // A wrong password stays a 401: a 403 must not confirm the account to a guesser.
    const guess = await t.client.auth.login.$post({ json: { email, password: 'not it at all' } });
    expect(guess.status).toBe(401);
  });
});
