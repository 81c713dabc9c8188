/**
 * Every way a bearer token can be wrong: each is a 401 with WWW-Authenticate: Bearer.
 * Tokens are forged here with real JWT signing, not mocked verification.
 */
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { problemOf } from '../helpers/responses.ts';
import { as, createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.ts';

const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function handMade(header: object, payload: object, signWith?: { alg: 'sha256' | 'sha512'; secret: string }) {
  const unsigned = `${b64url(header)}.${b64url(payload)}`;
  if (!signWith) return `${unsigned}.`;
  return `${unsigned}.${createHmac(signWith.alg, signWith.secret).update(unsigned).digest('base64url')}`;
}

describe.each(backends)('bearer tokens on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;
  let userId: number;
  let valid: string;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: object = {}) => ({
    sub: String(userId),
    iss: 'flowlab',
    aud: 'flowlab-api',
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database);
    const signedUp = await t.signUp('tokens');
    userId = signedUp.user.id;
    valid = signedUp.token;
  });
  afterAll(async () => database?.destroy());

  const listTodos = (options?: { headers: Record<string, string> }) => t.client.todos.$get({ query: {} }, options);

  it('accepts the token the API issued', async () => {
    expect((await listTodos(as(valid))).status).toBe(200);
  });

  it('answers a request without credentials with 401 and a bare Bearer challenge', async () => {
    const response = await listTodos();
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flowlab"');
    expect((await problemOf(response, 401)).type).toBe('/problems/invalid-token');
  });

  const cases: [string, () => Promise<string> | string][] = [
    ['a malformed token', () => 'not.a.jwt'],
    ['garbage', () => 'abc'],
    ['an expired token', () => sign(claims({ iat: now() - 7200, exp: now() - 3600 }), TEST_JWT_SECRET, 'HS256')],
    ['a token signed with another secret', () => sign(claims(), 'another-secret-that-is-also-32-chars-long', 'HS256')],
    ['alg=none', () => handMade({ alg: 'none', typ: 'JWT' }, claims())],
    [
      'HS512 with the right secret',
      () => handMade({ alg: 'HS512', typ: 'JWT' }, claims(), { alg: 'sha512', secret: TEST_JWT_SECRET }),
    ],
    ['a wrong issuer', () => sign(claims({ iss: 'someone-else' }), TEST_JWT_SECRET, 'HS256')],
    ['a wrong audience', () => sign(claims({ aud: 'another-api' }), TEST_JWT_SECRET, 'HS256')],
    ['no expiry', () => sign({ ...claims(), exp: undefined }, TEST_JWT_SECRET, 'HS256')],
    ['a subject that is not a user id', () => sign(claims({ sub: 'admin' }), TEST_JWT_SECRET, 'HS256')],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = valid.split('.');
        return `${header}.${b64url(claims({ sub: '1' }))}.${signature}`;
      },
    ],
  ];

  it.each(cases)('refuses %s with 401 invalid_token', async (_name, make) => {
    const response = await listTodos(as(await make()));
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="flowlab", error="invalid_token"/);
    expect((await problemOf(response, 401)).type).toBe('/problems/invalid-token');
  });

  it('reports an expired token as expired', async () => {
    const expired = await sign(claims({ iat: now() - 7200, exp: now() - 3600 }), TEST_JWT_SECRET, 'HS256');
    const response = await listTodos(as(expired));
    expect((await problemOf(response, 401)).detail).toBe('The access token expired.');
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const response = await listTodos({ headers: { Authorization: `Basic ${b64url('a:b')}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a valid token whose user no longer exists', async () => {
    const gone = await t.signUp('gone');
    await database.db.delete(users).where(eq(users.id, gone.user.id));
    const response = await t.client.auth.me.$get({}, as(gone.token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('checks the token before it validates the body', async () => {
    const response = await t.client.todos.$post({ json: { title: '' } });
    expect(response.status).toBe(401);
  });
});
