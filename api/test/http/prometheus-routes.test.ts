/**
 * /debug/prometheus/query_range without a working Prometheus: not configured, not reachable, too
 * slow, a peer that redirects or answers something else; the requests refused before Prometheus is
 * asked; and who may ask. (Against a real Prometheus scraping a real API: prometheus-query.test.ts.)
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, NATIVE_PROMETHEUS_URL } from '../../src/config.ts';
import { pgliteBackend as pglite, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, testConfig } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'prometheus-routes-admin-token-0123';
const METRICS_TOKEN = 'prometheus-routes-metrics-token-0123';
const end = 1_767_226_500;
const valid = `query=up&start=${end - 900}&end=${end}&step=5`;
const path = (query = valid) => `/debug/prometheus/query_range?${query}`;

function listen(server: Server | HttpServer): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

describe('the Prometheus view without a working Prometheus', () => {
  let database: TestDatabase;
  // A peer that accepts connections and never answers: a Prometheus that hangs.
  let silent: Server;
  const sockets: Socket[] = [];
  let silentUrl = '';
  // A peer that is not Prometheus: it redirects, or answers JSON of another shape.
  let other: HttpServer;
  let otherUrl = '';

  beforeAll(async () => {
    database = await pglite.create();
    silent = createServer((socket) => sockets.push(socket));
    silentUrl = await listen(silent);
    other = createHttpServer((request, response) => {
      if (request.url?.startsWith('/redirect/')) {
        response.writeHead(302, { Location: 'http://127.0.0.1:9/api/v1/query_range' }).end();
      } else {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"success","data":{}}');
      }
    });
    otherUrl = await listen(other);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await new Promise((resolve) => other?.close(resolve));
    await database?.destroy();
  });

  it('reads the native Prometheus by default in development only', () => {
    expect(loadConfig({}).PROMETHEUS_URL).toBe(NATIVE_PROMETHEUS_URL);
    expect(testConfig().PROMETHEUS_URL).toBeUndefined();
    expect(loadConfig({ PROMETHEUS_URL: 'http://prometheus:9090' }).PROMETHEUS_URL).toBe('http://prometheus:9090');
  });

  it('says it is not configured, as a 503 naming Prometheus, and /debug/views says it reads none, or one not running', async () => {
    const t = createTestApp(database);
    const answer = await t.send('GET', path());
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'prometheus' });
    expect(answer.json.detail).toMatch(/PROMETHEUS_URL/);
    expect((await t.send('GET', '/debug/views')).json.prometheus).toEqual({
      query: false,
      running: false,
      ui: 'http://127.0.0.1:9090',
    });
    const configured = createTestApp(database, { PROMETHEUS_URL: 'http://127.0.0.1:9' });
    expect((await configured.send('GET', '/debug/views')).json.prometheus).toEqual({
      query: true,
      running: false,
      ui: 'http://127.0.0.1:9090',
    });
  });

  it('answers 503 with Retry-After and the command that starts it when Prometheus does not answer at all', async () => {
    // Port 9 (discard) has no listener here: the connection is refused at once.
    const t = createTestApp(database, { PROMETHEUS_URL: 'http://127.0.0.1:9' });
    const answer = await t.send('GET', path());
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'prometheus' });
    expect(answer.json.detail).toContain('bash scripts/services.sh up prometheus');
    expect(answer.headers.get('retry-after')).toBe('5');
  });

  it('answers 504 when Prometheus takes longer than PROMETHEUS_QUERY_TIMEOUT_MS', async () => {
    const t = createTestApp(database, { PROMETHEUS_URL: silentUrl, PROMETHEUS_QUERY_TIMEOUT_MS: '300' });
    const started = Date.now();
    const answer = await t.send('GET', path());
    expect(answer.status).toBe(504);
    expect(answer.json).toMatchObject({ type: '/problems/dependency-timeout', dependency: 'prometheus' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('follows no redirect, and refuses an answer that is not the query API’s, as 502s', async () => {
    const redirected = await createTestApp(database, { PROMETHEUS_URL: `${otherUrl}/redirect` }).send('GET', path());
    expect(redirected.status).toBe(502);
    expect(redirected.json).toMatchObject({ type: '/problems/dependency-failed', dependency: 'prometheus' });
    expect(redirected.json.detail).toMatch(/redirect \(302\)/);
    const shapeless = await createTestApp(database, { PROMETHEUS_URL: otherUrl }).send('GET', path());
    expect(shapeless.status).toBe(502);
    expect(shapeless.json).toMatchObject({ type: '/problems/dependency-failed', dependency: 'prometheus' });
  });

  it('refuses parameters Prometheus should not be asked with, as 422s naming the parameter', async () => {
    const t = createTestApp(database, { PROMETHEUS_URL: silentUrl, PROMETHEUS_QUERY_TIMEOUT_MS: '300' });
    const cases: [string, string][] = [
      [`start=${end - 900}&end=${end}&step=5`, 'query.query'],
      [`query=&start=${end - 900}&end=${end}&step=5`, 'query.query'],
      [`query=${'x'.repeat(2001)}&start=${end - 900}&end=${end}&step=5`, 'query.query'],
      [`query=up&start=yesterday&end=${end}&step=5`, 'query.start'],
      [`query=up&start=-5&end=${end}&step=5`, 'query.start'],
      [`query=up&start=${end - 900}&end=1e10&step=5`, 'query.end'],
      [`query=up&start=${end - 900}&end=${end}&step=0`, 'query.step'],
      [`query=up&start=${end - 900}&end=${end}&step=5m`, 'query.step'],
      [`query=up&start=${end}&end=${end - 900}&step=5`, 'query.end'],
      [`query=up&start=${end - 3 * 86_400}&end=${end}&step=3600`, 'query.end'],
      [`query=up&start=${end - 86_400}&end=${end}&step=5`, 'query.step'],
    ];
    for (const [query, field] of cases) {
      const refused = await t.send('GET', path(query));
      expect(refused.status, query).toBe(422);
      expect(refused.json.type).toBe('/problems/validation-failed');
      expect(
        refused.json.errors.map((e: { path: string }) => e.path),
        query,
      ).toContain(field);
    }
  });

  it('is open in the lab, and takes the admin or metrics token where the metrics are private', async () => {
    const lab = createTestApp(database, { PROMETHEUS_URL: 'http://127.0.0.1:9' });
    expect((await lab.send('GET', path())).status).toBe(503);
    for (const overrides of [{ METRICS_TOKEN }, { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }] as Record<
      string,
      string
    >[]) {
      const t = createTestApp(database, {
        PROMETHEUS_URL: 'http://127.0.0.1:9',
        ADMIN_TOKEN,
        METRICS_TOKEN,
        ...overrides,
      });
      const anonymous = await t.send('GET', path());
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.type).toBe('/problems/invalid-token');
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="flowlab-metrics"');
      const wrong = await t.send('GET', path(), { token: 'not-the-token-0123456789' });
      expect(wrong.status).toBe(401);
      for (const token of [ADMIN_TOKEN, METRICS_TOKEN])
        expect((await t.send('GET', path(), { token })).status).toBe(503);
    }
  });
});
