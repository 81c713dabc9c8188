/**
 * GET /debug/logs, in process: the recent-logs store fed by a real logs SDK (records with the
 * span context of a trace), the owner rule of the recent traces (a user finds the lines of the
 * traces they authenticated in; the admin token every line), and each invalid request a precise
 * problem: 401 without a token, 422 for a bad filter, 503 without (or with an unreachable)
 * VictoriaLogs.
 */
import { createServer } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentLogs } from '../../src/telemetry/recent-logs.ts';
import { recentTraces } from '../../src/telemetry/recent-traces.ts';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { problemIn } from '../helpers/responses.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { newTraceparent } from '../helpers/traces.ts';

const ADMIN_TOKEN = 'log-search-admin-token-0123456789';
const logger = new LoggerProvider({ processors: [recentLogs] }).getLogger('log-search-test');

function writeLine(traceId: string | undefined, fields: Record<string, string | number>, message = 'request') {
  const active = traceId
    ? trace.setSpanContext(context.active(), { traceId, spanId: 'b'.repeat(16), traceFlags: 1 })
    : context.active();
  logger.emit({
    body: message,
    severityText: 'info',
    severityNumber: SeverityNumber.INFO,
    attributes: fields,
    context: active,
  });
}

/** A port nothing listens on: the VictoriaLogs the API cannot reach. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('GET /debug/logs', () => {
  let database: TestDatabase;
  let t: TestApp;
  let away: TestApp;
  let ada: { token: string; traceId: string };
  let bob: { token: string };

  beforeAll(async () => {
    database = await pgliteBackend.create();
    t = createTestApp(database, { ADMIN_TOKEN });
    away = createTestApp(database, { ADMIN_TOKEN, VICTORIALOGS_URL: `http://127.0.0.1:${await closedPort()}` });
    const adaAccount = await t.signUp('ada');
    const bobAccount = await t.signUp('bob');
    const { traceId } = newTraceparent();
    // What the authenticate step does for a request of this trace.
    recentTraces.claim(traceId, adaAccount.user.id);
    writeLine(traceId, { route: '/todos', status: 201, userId: adaAccount.user.id });
    writeLine(undefined, { port: 8000 }, 'listening');
    ada = { token: adaAccount.token, traceId };
    bob = { token: bobAccount.token };
  });
  afterAll(async () => database?.destroy());

  it("finds a user's own lines, not another user's, and every line with the admin token", async () => {
    const own = await t.send('GET', `/debug/logs?traceId=${ada.traceId}`, { token: ada.token });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ source: 'recent', scope: 'own' });
    expect(own.json.items).toEqual([
      expect.objectContaining({
        message: 'request',
        traceId: ada.traceId,
        fields: expect.objectContaining({ status: 201 }),
      }),
    ]);
    const other = await t.send('GET', `/debug/logs?traceId=${ada.traceId}`, { token: bob.token });
    expect(other.json.items).toEqual([]);
    // A user never sees a line written outside any request; the admin does.
    expect((await t.send('GET', '/debug/logs?text=listening', { token: ada.token })).json.items).toEqual([]);
    const admin = await t.send('GET', '/debug/logs?text=listening', { token: ADMIN_TOKEN });
    expect(admin.json).toMatchObject({ scope: 'all', items: [expect.objectContaining({ message: 'listening' })] });
  });

  it('answers a request without a token 401, and a bad filter 422 naming it', async () => {
    problemIn(await t.send('GET', '/debug/logs'), 401);
    for (const [query, field] of [
      ['status=99', 'query.status'],
      ['level=debug', 'query.level'],
      ['traceId=XYZ', 'query.traceId'],
      ['from=yesterday', 'query.from'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from'],
      ['limit=501', 'query.limit'],
      ['source=loki', 'query.source'],
    ]) {
      const problem = problemIn(await t.send('GET', `/debug/logs?${query}`, { token: ADMIN_TOKEN }), 422, query);
      expect(JSON.stringify(problem.errors), query).toContain(field);
    }
  });

  it('answers 503 naming VictoriaLogs when none is configured, or when it does not answer', async () => {
    const none = problemIn(await t.send('GET', '/debug/logs?source=victorialogs', { token: ADMIN_TOKEN }), 503);
    expect(none).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'victorialogs' });
    expect(none.detail).toContain('VICTORIALOGS_URL');
    const unreachable = await away.send('GET', '/debug/logs?source=victorialogs', { token: ADMIN_TOKEN });
    expect(problemIn(unreachable, 503)).toMatchObject({ dependency: 'victorialogs' });
    expect(unreachable.headers.get('retry-after')).toBe('5');
  });
});
