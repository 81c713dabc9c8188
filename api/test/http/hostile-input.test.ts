/**
 * What a careless client (or an attacker) sends that PostgreSQL cannot hold or JavaScript reads
 * too kindly: NUL characters, invisible titles, dates beyond PostgreSQL's range, numbers that
 * are not plain decimal. Each is a precise 422 (or a 401 for a token), never a 500.
 */
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemIn } from '../helpers/responses.ts';
import { as, createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.ts';

const NUL = '\u0000';

describe.each(backends)('hostile input on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    database = await backend.create();
    t = createTestApp(database, { TODO_CREATE_LIMIT: '1000' });
    ({ token } = await t.signUp('hostile'));
  });
  afterAll(async () => database?.destroy());

  const fieldsOf = (problem: { errors?: { path: string }[] }) => (problem.errors ?? []).map((e) => e.path);
  // The hostile requests go through `send`: raw JSON and hand-written paths, as a careless client writes them.

  it('refuses a NUL character in any text field with a 422 naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/todos', { title: `a${NUL}b` }, 'title'],
      ['POST', '/todos', { title: 'with a bad description', description: `x${NUL}` }, 'description'],
      ['POST', '/categories', { name: `work${NUL}` }, 'name'],
      ['GET', `/todos?q=${encodeURIComponent(`a${NUL}`)}`, undefined, 'query.q'],
    ];
    for (const [method, path, body, field] of cases) {
      const problem = problemIn(await t.send(method, path, { token, body }), 422, `${method} ${path}`);
      expect(fieldsOf(problem)).toEqual([field]);
      expect(problem.errors?.[0]?.message).toMatch(/NUL/);
    }
    const register = await t.send('POST', '/auth/register', {
      body: { email: 'nul@example.com', password: 'a long enough password', name: `Ada${NUL}` },
    });
    expect(fieldsOf(problemIn(register, 422))).toEqual(['name']);
    const created = await bodyOf(await t.client.todos.$post({ json: { title: 'patched with NUL' } }, as(token)), 201);
    const patch = await t.send('PATCH', `/todos/${created.id}`, { token, body: { title: `p${NUL}` } });
    expect(fieldsOf(problemIn(patch, 422))).toEqual(['title']);
  });

  it('refuses a lone surrogate (text that is not well-formed Unicode) in any string field, naming it', async () => {
    // Stored, a lone surrogate becomes U+FFFD: "\ud800abcdefgh" would log in as "\udfffabcdefgh".
    const cases: [string, string, unknown, string][] = [
      ['POST', '/todos', { title: 'a\ud800b' }, 'title'],
      ['POST', '/todos', { title: 'with a bad description', description: 'x\udfff' }, 'description'],
      ['POST', '/categories', { name: 'work\ud83d' }, 'name'],
      ['POST', '/auth/register', { email: 'lone@example.com', password: '\ud800abcdefgh' }, 'password'],
      ['POST', '/auth/register', { email: 'lone@example.com', password: 'long enough!', name: '\udc00Ada' }, 'name'],
      ['POST', '/auth/register', { email: 'lo\ud800ne@example.com', password: 'long enough!' }, 'email'],
      ['POST', '/auth/login', { email: 'lone@example.com', password: '\udfffabcdefgh' }, 'password'],
    ];
    for (const [method, path, body, field] of cases) {
      const problem = problemIn(await t.send(method, path, { token, body }), 422, `${method} ${path} ${field}`);
      expect(fieldsOf(problem)).toEqual([field]);
      expect(problem.errors?.[0]?.message).toMatch(/well-formed Unicode/);
    }
    // A surrogate pair is a character like any other.
    expect((await t.send('POST', '/todos', { token, body: { title: 'pair \ud83d\ude00' } })).status).toBe(201);
  });

  it('counts a title made only of invisible characters as empty', async () => {
    for (const title of ['\u200B', '\u200D\u200C', '\u0301\u0308', '\u2060\uFEFF', ' \u200B\u00A0', '\u3164']) {
      const response = await t.send('POST', '/todos', { token, body: { title } });
      expect(fieldsOf(problemIn(response, 422, JSON.stringify(title)))).toEqual(['title']);
    }
    // Visible text around them is still a title; an emoji with a joiner is visible.
    expect((await t.send('POST', '/todos', { token, body: { title: 'e\u0301t\u00E9' } })).status).toBe(201);
    expect((await t.send('POST', '/todos', { token, body: { title: '👩\u200D💻' } })).status).toBe(201);
  });

  it("refuses dates outside PostgreSQL's range with a 422 giving the accepted range", async () => {
    for (const dueAt of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00']) {
      const response = await t.send('POST', '/todos', { token, body: { title: `due ${dueAt}`, dueAt } });
      const problem = problemIn(response, 422, dueAt);
      expect(fieldsOf(problem)).toEqual(['dueAt']);
      expect(problem.errors?.[0]?.message).toContain('0001-01-01T00:00:00Z');
      expect(problem.errors?.[0]?.message).toContain('9999-12-31T23:59:59.999Z');
    }
    const edge = await bodyOf(
      await t.client.todos.$post({ json: { title: 'the last day', dueAt: '9999-12-31T23:59:59Z' } }, as(token)),
      201,
    );
    const patch = await t.send('PATCH', `/todos/${edge.id}`, { token, body: { dueAt: '0000-06-01T00:00:00Z' } });
    expect(patch.status).toBe(422);
  });

  it('refuses a validly signed token whose subject is not a plain id in range (401, not 500)', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const sub of ['99999999999', '2147483648', '0x1', '1e0', ' 1', '+1', '1.0', '0']) {
      const forged = await sign(
        { sub, iss: t.config.JWT_ISSUER, aud: t.config.JWT_AUDIENCE, iat: now, exp: now + 60 },
        TEST_JWT_SECRET,
        'HS256',
      );
      const response = await t.send('GET', '/todos', { token: forged });
      expect(response.status, `sub ${JSON.stringify(sub)}`).toBe(401);
    }
  });

  it('reads ids as plain decimal only, and names a bad id once', async () => {
    for (const id of ['1e3', '0x1', '+1', '1.0', '-1.5', '01', '2147483648', 'abc']) {
      const response = await t.send('GET', `/todos/${encodeURIComponent(id)}`, { token });
      expect(fieldsOf(problemIn(response, 422, `id ${id}`)), `id ${id}`).toEqual(['params.id']);
    }
    for (const category of ['0x1', '1e0', ' 1']) {
      const response = await t.send('GET', `/todos?category=${encodeURIComponent(category)}`, { token });
      expect(fieldsOf(problemIn(response, 422, `category ${category}`))).toEqual(['query.category']);
    }
  });
});
