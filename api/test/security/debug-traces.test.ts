/**
 * Whose traces /debug/traces lists: a caller sees the requests made with their own token,
 * the admin sees all, nobody else sees any. One trace by id stays open to whoever holds the id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/services.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';
import { newTraceparent } from '../helpers/traces.ts';

const ADMIN_TOKEN = 'debug-traces-admin-token-0123456789';

describe('GET /debug/traces (who sees which traces)', () => {
  let server: StartedServer;
  const json = { 'Content-Type': 'application/json' };

  async function account(email: string): Promise<string> {
    const credentials = { email, password: 'a long enough password' };
    await fetch(`${server.base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify(credentials) });
    const login = await fetch(`${server.base}/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(credentials),
    });
    return ((await login.json()) as { accessToken: string }).accessToken;
  }

  async function listedIds(authorization?: string): Promise<string[]> {
    const response = await fetch(`${server.base}/debug/traces?limit=200`, {
      headers: authorization ? { Authorization: authorization } : {},
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { traceId: string }[] }).items.map((i) => i.traceId);
  }

  let ada: string;
  let bob: string;
  const adaTrace = newTraceparent();
  const bobTrace = newTraceparent();
  const anonymousTrace = newTraceparent();

  beforeAll(async () => {
    server = await startServer({ ADMIN_TOKEN, PASSWORD_SCRYPT_LOG_N: '10' });
    ada = await account('ada@example.com');
    bob = await account('bob@example.com');
    await fetch(`${server.base}/todos?q=ada-private-search`, {
      headers: { Authorization: `Bearer ${ada}`, traceparent: adaTrace.traceparent },
    });
    await fetch(`${server.base}/todos`, {
      headers: { Authorization: `Bearer ${bob}`, traceparent: bobTrace.traceparent },
    });
    // A learner's curl without a token: a 401 that nobody owns.
    await fetch(`${server.base}/todos`, { headers: { traceparent: anonymousTrace.traceparent } });
    // Spans end just after the response: wait until the admin sees all three.
    await eventually(
      async () => {
        const ids = await listedIds(`Bearer ${ADMIN_TOKEN}`);
        for (const t of [adaTrace, bobTrace, anonymousTrace]) if (!ids.includes(t.traceId)) throw new Error('not yet');
      },
      { timeoutMs: 5000 },
    );
  }, 60_000);

  afterAll(async () => server?.stop());

  it('is a 401 problem with WWW-Authenticate without a token, or with a bad one', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-a-token' }, { Authorization: 'Basic YTpi' }]) {
      const response = await fetch(`${server.base}/debug/traces`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.text()).not.toContain(adaTrace.traceId);
    }
  });

  it("lists only the caller's own requests for a user's token", async () => {
    const adaSees = await listedIds(`Bearer ${ada}`);
    expect(adaSees).toContain(adaTrace.traceId);
    expect(adaSees).not.toContain(bobTrace.traceId);
    expect(adaSees).not.toContain(anonymousTrace.traceId);
    const bobSees = await listedIds(`Bearer ${bob}`);
    expect(bobSees).toContain(bobTrace.traceId);
    expect(bobSees).not.toContain(adaTrace.traceId);
  });

  it('keeps the filters for a user', async () => {
    const response = await fetch(`${server.base}/debug/traces?route=/todos&status=ok&limit=1`, {
      headers: { Authorization: `Bearer ${ada}` },
    });
    const { items } = (await response.json()) as { items: { traceId: string; route: string }[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ traceId: adaTrace.traceId, route: '/todos' });
  });

  it('lists everything, newest first, for the admin token', async () => {
    const ids = await listedIds(`Bearer ${ADMIN_TOKEN}`);
    const order = [anonymousTrace, bobTrace, adaTrace].map((t) => ids.indexOf(t.traceId));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("keeps the search text (?q=) out of the trace's spans", async () => {
    const response = await fetch(`${server.base}/debug/traces/${adaTrace.traceId}`);
    const body = await response.text();
    expect(body).toContain('/todos');
    expect(body).not.toContain('ada-private-search');
  });

  it('serves one trace to whoever holds its id, token or not', async () => {
    for (const t of [adaTrace, anonymousTrace]) {
      const response = await fetch(`${server.base}/debug/traces/${t.traceId}`);
      expect(response.status).toBe(200);
    }
  });
});
