/**
 * /debug/jaeger/* and /debug/views without a Jaeger to read: not configured, not reachable, too
 * slow, and the requests refused before Jaeger is asked. (Against the real Jaeger, the searches,
 * the per-user scope and the span trees: api/test/e2e/jaeger-routes.test.ts, which runs where the
 * stack does; `npm test` runs before CI starts it.)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend as pglite, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'jaeger-routes-admin-token-0123';

describe('the Jaeger view without a Jaeger', () => {
  let database: TestDatabase;
  // A peer that accepts connections and never answers: a Jaeger that hangs.
  let silent: Server;
  const sockets: Socket[] = [];
  let silentUrl = '';

  beforeAll(async () => {
    database = await pglite.create();
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await database?.destroy();
  });

  it('says it is not configured, as a 503 naming Jaeger, and /debug/views says there is no search', async () => {
    const t = createTestApp(database, { ADMIN_TOKEN });
    for (const path of ['/debug/jaeger/services', '/debug/jaeger/traces/0123456789abcdef0123456789abcdef']) {
      const answer = await t.send('GET', path);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.json).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'jaeger' });
      expect(answer.json.detail).toMatch(/JAEGER_QUERY_URL/);
    }
    const views = await t.send('GET', '/debug/views');
    expect(views.status).toBe(200);
    expect(views.json).toEqual({
      jaeger: { search: false, ui: null },
      prometheus: { query: false, running: false, ui: 'http://127.0.0.1:9090' },
      logs: { victoriaLogs: false },
    });
  });

  it("names the views that exist: Jaeger's UI only when WEB_JAEGER_URL is set, Prometheus where it is said to be", async () => {
    const native = createTestApp(database, { JAEGER_QUERY_URL: 'http://127.0.0.1:16686' });
    expect((await native.send('GET', '/debug/views')).json.jaeger).toEqual({ search: true, ui: null });
    const compose = createTestApp(database, {
      JAEGER_QUERY_URL: 'http://jaeger:16686',
      WEB_JAEGER_URL: 'http://localhost:16687/',
      WEB_PROMETHEUS_URL: 'http://localhost:19090',
    });
    expect((await compose.send('GET', '/debug/views')).json).toEqual({
      jaeger: { search: true, ui: 'http://localhost:16687' },
      prometheus: { query: false, running: false, ui: 'http://localhost:19090' },
      logs: { victoriaLogs: false },
    });
  });

  it('answers 503 with Retry-After when Jaeger does not answer at all', async () => {
    // Port 9 (discard) has no listener here: the connection is refused at once.
    const t = createTestApp(database, { JAEGER_QUERY_URL: 'http://127.0.0.1:9' });
    const answer = await t.send('GET', '/debug/jaeger/services');
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'jaeger' });
    expect(answer.headers.get('retry-after')).toBe('5');
  });

  it('answers 504 when Jaeger takes longer than JAEGER_QUERY_TIMEOUT_MS', async () => {
    const t = createTestApp(database, { JAEGER_QUERY_URL: silentUrl, JAEGER_QUERY_TIMEOUT_MS: '300' });
    const started = Date.now();
    const answer = await t.send('GET', '/debug/jaeger/traces/0123456789abcdef0123456789abcdef');
    expect(answer.status).toBe(504);
    expect(answer.json).toMatchObject({ type: '/problems/dependency-timeout', dependency: 'jaeger' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('asks for a token before searching, and refuses criteria Jaeger could not take', async () => {
    const t = createTestApp(database, { JAEGER_QUERY_URL: silentUrl, JAEGER_QUERY_TIMEOUT_MS: '300', ADMIN_TOKEN });
    const anonymous = await t.send('GET', '/debug/jaeger/traces');
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.type).toBe('/problems/invalid-token');
    for (const query of ['tags=no-equals-sign', 'minDuration=fast', 'lookback=3y', 'limit=1000', 'status=broken']) {
      const refused = await t.send('GET', `/debug/jaeger/traces?${query}`, { token: ADMIN_TOKEN });
      expect(refused.status, query).toBe(422);
      expect(refused.json.type).toBe('/problems/validation-failed');
    }
    const badId = await t.send('GET', '/debug/jaeger/traces/not-a-trace-id');
    expect(badId.status).toBe(422);
  });
});
