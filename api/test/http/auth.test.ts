/** Registration, login and the current user, against a real PostgreSQL and PGlite. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(backends)('auth on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
  });
  afterAll(async () => database?.destroy());

  it('registers a user and never returns or stores the password in clear', async () => {
    const response = await t.send('POST', '/auth/register', {
      body: { email: '  Grace@Example.COM ', password: 'hopper-1906', name: 'Grace' },
    });
    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      id: expect.any(Number),
      email: 'grace@example.com',
      name: 'Grace',
      isActive: true,
      createdAt: expect.any(String),
    });
    expect(response.text).not.toMatch(/hopper-1906|password|scrypt/i);

    const [row] = await database.db.select().from(users).where(eq(users.id, response.json.id));
    expect(row?.passwordHash).toMatch(/^scrypt\$10\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row?.passwordHash).not.toContain('hopper-1906');
  });

  it('answers 409 for an email already registered, whatever its case', async () => {
    const body = { email: 'dup@example.com', password: 'long enough password' };
    expect((await t.send('POST', '/auth/register', { body })).status).toBe(201);
    const again = await t.send('POST', '/auth/register', { body: { ...body, email: 'DUP@example.com' } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ type: '/problems/email-taken', status: 409 });
  });

  it.each([
    [{ email: 'not-an-email', password: 'long enough password' }, ['email']],
    [{ email: 'a@example.com', password: 'short' }, ['password']],
    [{ email: 'a@example.com', password: 'x'.repeat(129) }, ['password']],
    [{ email: 'a@example.com', password: 'long enough password', name: '' }, ['name']],
    [{ email: 'a@example.com', password: 'long enough password', role: 'admin' }, ['role']],
    [{}, ['email', 'password']],
  ])('refuses registration %j with 422 naming %j', async (body, paths) => {
    const response = await t.send('POST', '/auth/register', { body });
    expect(response.status).toBe(422);
    expect(response.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(paths);
  });

  it('logs in with a bearer token that opens /auth/me', async () => {
    const email = 'login@example.com';
    await t.send('POST', '/auth/register', { body: { email, password: 'open sesame 123' } });
    const login = await t.send('POST', '/auth/login', {
      body: { email: 'LOGIN@example.com', password: 'open sesame 123' },
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.json).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    expect(login.json.accessToken.split('.')).toHaveLength(3);

    const me = await t.send('GET', '/auth/me', { token: login.json.accessToken });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email, isActive: true });
  });

  it('gives the same 401 for an unknown email and for a wrong password', async () => {
    await t.send('POST', '/auth/register', { body: { email: 'known@example.com', password: 'the right one' } });
    const wrongPassword = await t.send('POST', '/auth/login', {
      body: { email: 'known@example.com', password: 'the wrong one' },
    });
    const unknownEmail = await t.send('POST', '/auth/login', {
      body: { email: 'nobody@example.com', password: 'the right one' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const { requestId: _a, ...first } = wrongPassword.json;
    const { requestId: _b, ...second } = unknownEmail.json;
    expect(first).toEqual(second);
    expect(first.type).toBe('/problems/invalid-credentials');
  });

  it('refuses an inactive user with 403, at login and with a token issued before', async () => {
    const { user, email, password, token } = await t.signUp('inactive');
    await database.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));

    const login = await t.send('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(403);
    expect(login.json.type).toBe('/problems/account-inactive');

    const list = await t.send('GET', '/todos', { token });
    expect(list.status).toBe(403);
    expect(list.json.type).toBe('/problems/account-inactive');
    // A wrong password stays a 401: a 403 must not confirm the account to a guesser.
    expect((await t.send('POST', '/auth/login', { body: { email, password: 'not it at all' } })).status).toBe(401);
  });
});
