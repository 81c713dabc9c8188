/**
 * Telemetry never changes what a client sees, headers aside: the same requests against a
 * server with telemetry on and one with OTEL_SDK_DISABLED=true give the same statuses and bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/services.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';
import { flatten, type SpanNode } from '../helpers/traces.ts';

/** Values that differ between any two runs (times, durations, generated ids, tokens), replaced by their kind. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        /At$/.test(key) && typeof v === 'string'
          ? '<time>'
          : key === 'latencyMs' && typeof v === 'number'
            ? '<duration>'
            : ['requestId', 'accessToken'].includes(key)
              ? `<${key}>`
              : normalize(v),
      ]),
    );
  }
  return value;
}

async function script(base: string) {
  const results: { status: number; body: unknown; contentType: string | null }[] = [];
  let token = '';
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token && { Authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    results.push({
      status: response.status,
      body: normalize(parsed),
      contentType: response.headers.get('content-type'),
    });
    return parsed;
  };
  const credentials = { email: 'same@example.com', password: 'identical twins' };
  await send('POST', '/auth/register', credentials);
  token = (await send('POST', '/auth/login', credentials)).accessToken;
  const { id } = await send('POST', '/todos', { title: 'Same everywhere', dueAt: '2026-12-24T18:00:00Z' });
  await send('POST', '/todos', { title: 'same EVERYWHERE' });
  await send('POST', '/todos', { title: '' });
  await send('POST', '/todos', '{"title":');
  await send('GET', '/todos');
  await send('GET', '/todos');
  await send('PATCH', `/todos/${id}`, { completed: true });
  await send('GET', `/todos/${id}`);
  await send('DELETE', `/todos/${id}`);
  await send('GET', `/todos/${id}`);
  await send('GET', '/readyz');
  return results;
}

describe('telemetry on and off', () => {
  let on: StartedServer;
  let off: StartedServer;

  beforeAll(async () => {
    [on, off] = await Promise.all([startServer(), startServer({ OTEL_SDK_DISABLED: 'true' })]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([on?.stop(), off?.stop()]);
  });

  it('answers the same statuses and bodies', async () => {
    const withTelemetry = await script(on.base);
    const without = await script(off.base);
    expect(without).toEqual(withTelemetry);
    expect(withTelemetry.map((r) => r.status)).toEqual([
      201, 200, 201, 409, 422, 400, 200, 200, 200, 200, 204, 404, 200,
    ]);
  });

  it('differs only in the telemetry headers', async () => {
    const [a, b] = await Promise.all([fetch(`${on.base}/healthz`), fetch(`${off.base}/healthz`)]);
    expect(a.headers.get('traceresponse')).toBeNull(); // /healthz is not traced
    const list = await fetch(`${on.base}/todos`);
    expect(list.headers.get('traceresponse')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // The embedded PGlite's queries are traced too, so the embedded lab shows the database step.
    const login = await fetch(`${on.base}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'looked up anyway' }),
    });
    expect(login.status).toBe(401);
    expect(Number(/db;dur=([\d.]+)/.exec(login.headers.get('server-timing') ?? '')?.[1])).toBeGreaterThan(0);
    const traceId = login.headers.get('traceresponse')?.split('-')[1];
    const trace = await eventually(
      async () => {
        const response = await fetch(`${on.base}/debug/traces/${traceId}`);
        if (response.status !== 200) throw new Error(`trace not there yet: ${response.status}`);
        return (await response.json()) as { spans: SpanNode[] };
      },
      { timeoutMs: 5000 },
    );
    const pglite = flatten(trace.spans).filter((span) => span.attributes['db.namespace'] === 'pglite');
    expect(pglite.length).toBeGreaterThan(0);
    expect(pglite[0]).toMatchObject({ kind: 'CLIENT', attributes: { 'db.system.name': 'postgresql' } });
    const listOff = await fetch(`${off.base}/todos`);
    expect(listOff.headers.get('traceresponse')).toBeNull();
    expect(await a.text()).toBe(await b.text());
  });
});

describe('an OTLP endpoint that does not answer', () => {
  it('changes nothing for clients, and does not hold the shutdown', async () => {
    const server = await startServer({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${server.base}/todos`)).status).toBe(401);
      const stopping = Date.now();
      server.child.kill('SIGTERM');
      const { code } = await server.exited;
      expect(code).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
