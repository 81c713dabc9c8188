/**
 * Whose traces /debug/traces lists: a caller sees the requests made with their own token,
 * the admin sees all, nobody else sees any. One trace by id follows the owner rule: a trace with
 * an authenticated request in it is that user's and the admin's; one without stays open to
 * whoever holds its id. And the browser-span receiver writes only into the caller's own traces,
 * without evicting anyone else's (issue 20, findings 2, 3 and 4).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/services.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';
import { newTraceparent } from '../helpers/traces.ts';

const ADMIN_TOKEN = 'debug-traces-admin-token-0123456789';

/** OTLP's answer: partialSuccess says how many spans were refused, and why. */
type OtlpAnswer = { partialSuccess: { rejectedSpans?: string; errorMessage?: string } };

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
  }, 180_000);

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
    const response = await fetch(`${server.base}/debug/traces/${adaTrace.traceId}`, {
      headers: { Authorization: `Bearer ${ada}` },
    });
    const body = await response.text();
    expect(body).toContain('/todos');
    expect(body).not.toContain('ada-private-search');
  });

  it("serves a user's trace by id to that user and the admin only; one nobody authenticated in to anyone", async () => {
    const read = async (traceId: string, token?: string) =>
      (
        await fetch(
          `${server.base}/debug/traces/${traceId}`,
          token ? { headers: { Authorization: `Bearer ${token}` } } : {},
        )
      ).status;
    // Trace ids are public (exemplars on /metrics): the id alone is not enough.
    expect(await read(adaTrace.traceId)).toBe(404);
    expect(await read(adaTrace.traceId, bob)).toBe(404);
    expect(await read(adaTrace.traceId, ada)).toBe(200);
    expect(await read(adaTrace.traceId, ADMIN_TOKEN)).toBe(200);
    // The learner's 401 (no token, so nobody's) is looked up by its id alone, as the docs' exercise does.
    expect(await read(anonymousTrace.traceId)).toBe(200);
    expect(await read(anonymousTrace.traceId, bob)).toBe(200);
    expect(await read(adaTrace.traceId, 'not-a-token')).toBe(401);
  });

  describe('the browser-span receiver, sent to by another account', () => {
    const hex = (bytes: number) => randomBytes(bytes).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    let mallory = '';

    const span = (traceId: string, spanId: string, parentSpanId?: string, name = 'todo add') => ({
      traceId,
      spanId,
      ...(parentSpanId && { parentSpanId }),
      name,
      kind: 1,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 1_000_000n),
      status: { code: 0 },
    });
    async function send(spans: ReturnType<typeof span>[], token = mallory) {
      const response = await fetch(`${server.base}/otlp/v1/traces`, {
        method: 'POST',
        headers: { ...json, Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flowlab-web' } }] },
              scopeSpans: [{ scope: { name: 'flowlab-web' }, spans }],
            },
          ],
        }),
      });
      return { status: response.status, json: (await response.json()) as OtlpAnswer };
    }
    async function adaSpans(): Promise<{ spanId: string; name: string; parentSpanId?: string }[]> {
      const response = await fetch(`${server.base}/debug/traces/${adaTrace.traceId}`, {
        headers: { Authorization: `Bearer ${ada}` },
      });
      expect(response.status).toBe(200);
      const all: { spanId: string; name: string; children: never[] }[] = [];
      const stack = [...((await response.json()) as { spans: never[] }).spans] as { children: never[] }[];
      while (stack.length > 0) {
        const node = stack.pop() as { spanId: string; name: string; children: never[] };
        all.push(node);
        stack.push(...node.children);
      }
      return all;
    }

    beforeAll(async () => {
      mallory = await account('mallory@example.com');
    });

    it("refuses spans that would join another user's trace, or reuse or re-parent a span (finding 3)", async () => {
      const before = await adaSpans();
      const server = before.find((s) => s.name === 'GET /todos');
      const child = before.find((s) => s.parentSpanId === server?.spanId);
      expect(server && child).toBeTruthy();
      const forged = await send([
        span(adaTrace.traceId, hex(8), server?.spanId, 'POST /admin/users/1/deactivate'),
        // The root's own id, with a child for parent: the tree would lose its root.
        span(adaTrace.traceId, server?.spanId ?? '', child?.spanId),
      ]);
      expect(forged.status).toBe(200);
      expect(forged.json.partialSuccess).toMatchObject({ rejectedSpans: '2' });
      expect(forged.json.partialSuccess.errorMessage).toMatch(/not yours/);
      expect((await adaSpans()).map((s) => s.name).sort()).toEqual(before.map((s) => s.name).sort());

      // In the caller's own trace: a span id used twice is refused too.
      const own = hex(16);
      const first = hex(8);
      expect((await send([span(own, first)])).json).toEqual({ partialSuccess: {} });
      const again = await send([span(own, hex(8), first), span(own, first, first)]);
      expect(again.json.partialSuccess).toMatchObject({ rejectedSpans: '1' });
      expect(again.json.partialSuccess.errorMessage).toMatch(/reuses a span id/);
    });

    it('refuses a span tree too deep to draw with a 422, not a 500 (finding 3)', async () => {
      const traceId = hex(16);
      let parent: string | undefined;
      for (let request = 0; request < 15; request++) {
        const chain = [];
        for (let i = 0; i < 200; i++) {
          const spanId = hex(8);
          chain.push(span(traceId, spanId, parent));
          parent = spanId;
        }
        expect((await send(chain)).status).toBe(200);
      }
      const response = await fetch(`${server.base}/debug/traces/${traceId}`, {
        headers: { Authorization: `Bearer ${mallory}` },
      });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/spans deep/);
    });

    it("never evicts another user's traces: 200 new traces in one request evict the sender's own (finding 2)", async () => {
      const adaBefore = await listedIds(`Bearer ${ada}`);
      expect(adaBefore).toContain(adaTrace.traceId);
      const flood = Array.from({ length: 200 }, () => span(hex(16), hex(8)));
      expect((await send(flood)).status).toBe(200);
      expect(await listedIds(`Bearer ${ada}`)).toEqual(adaBefore);
      expect(await listedIds(`Bearer ${bob}`)).toContain(bobTrace.traceId);
    });
  });
});
