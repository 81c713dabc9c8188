/**
 * The real `npm start` on a real PostgreSQL, Redis and Neo4j: the proof that the ESM
 * instrumentation loads (the http SERVER span continuing the caller's traceparent, pg and ioredis
 * spans under the steps, Neo4j's), that log lines on stdout carry their trace, and that the
 * request-path diagram (docs' reference) names spans a learner can see, the worker's included. The server's own
 * recent-traces store is the exporter here. What the app alone decides (span names, the steps,
 * their attributes, validate request, error.type) is asserted in-process: span-tree.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer, tracedClient } from '../helpers/full-server.ts';
import type { StartedServer } from '../helpers/start-server.ts';
import {
  CREATE_STEPS,
  child,
  fetchTrace,
  flatten,
  isPostgresSpan,
  isRedisSpan,
  REQUEST_PATH_PAGE,
  type SpanNode,
} from '../helpers/traces.ts';

const ADMIN_TOKEN = 'telemetry-admin-token-0123456789';

describe('traces of the todo lifecycle', () => {
  let full: FullServer;
  let server: StartedServer;
  const client = tracedClient(() => server.base);
  const call = client.call;
  let userToken = '';

  beforeAll(async () => {
    full = await startFullServer({ LAB_MODE: '1', ADMIN_TOKEN, OUTBOX_POLL_MS: '50', BREAKER_RESET_MS: '500' });
    server = full.server;
    const credentials = { email: 'tracer@example.com', password: 'trace every step' };
    await call('POST', '/auth/register', credentials);
    userToken = (await call('POST', '/auth/login', credentials)).json.accessToken;
    client.setToken(userToken);
    // The first Neo4j write of a fresh process (connection, constraints being created) can
    // outlast the 1 s graph timeout; warm it up so the traces below show the steady state.
    await call('POST', '/todos', { title: 'warm-up' });
    await call('GET', '/graph/stats');
  }, 90_000);

  afterAll(async () => full?.stop());

  it('creates: one SERVER span named for the route, continuing the caller, with every step beneath it', async () => {
    const created = await call('POST', '/todos', { title: 'Follow the trace' });
    expect(created.response.status).toBe(201);
    expect(created.json.graph).toEqual({ status: 'synced' });
    // The response names its trace, and it is the caller's trace, continued.
    expect(created.response.headers.get('traceresponse')).toMatch(
      new RegExp(`^00-${created.traceId}-[0-9a-f]{16}-01$`),
    );

    const [root, ...others] = await fetchTrace(server.base, created.traceId, { minSpans: 10 });
    expect(others).toEqual([]);
    if (!root) throw new Error('no root span');
    expect(root).toMatchObject({
      name: 'POST /todos',
      kind: 'SERVER',
      parentSpanId: created.parentSpanId,
      status: 'unset',
    });
    expect(root.attributes).toMatchObject({ 'http.route': '/todos', 'http.response.status_code': 201 });

    const names = root.children.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(CREATE_STEPS));
    // Steps happen in the order the request-path diagram gives.
    expect(names.filter((n) => CREATE_STEPS.includes(n))).toEqual(CREATE_STEPS);

    // The libraries' own spans are there too: Redis under authenticate (the account's state, cached
    // by the requests before) and the rate limit, pg under the insert.
    const authenticate = child(root, 'authenticate');
    expect(authenticate.attributes).toMatchObject({ 'flowlab.account.cache': 'hit' });
    expect(authenticate.children.some(isRedisSpan)).toBe(true);
    expect(authenticate.children.some(isPostgresSpan)).toBe(false);
    const insert = child(root, 'duplicate check').children.find(isPostgresSpan);
    expect(String(insert?.attributes['db.query.text'] ?? insert?.attributes['db.statement'])).toMatch(
      /^insert into "todos"/i,
    );
    expect(JSON.stringify(insert?.attributes)).not.toContain('Follow the trace');
    // Database spans read as the semantic conventions name them (db.query.summary), the same
    // words PGlite's spans use: `INSERT todos`, `BEGIN`, not `pg.query:INSERT todos <database>`.
    expect(insert).toMatchObject({ name: 'INSERT todos', attributes: { 'db.query.summary': 'INSERT todos' } });
    expect(names).toEqual(expect.arrayContaining(['BEGIN', 'COMMIT']));
    expect(flatten([root]).filter((s) => s.name.startsWith('pg.query'))).toEqual([]);
    // Redis spans: the command in capitals, and which database it is.
    const redisSpans = flatten([root]).filter(isRedisSpan);
    expect(redisSpans.length).toBeGreaterThan(0);
    for (const span of redisSpans) {
      expect(span.name).toMatch(/^[A-Z]+$/);
      expect(span.attributes['db.system.name']).toBe('redis');
    }
    expect(child(root, 'rate limit decision').children.some(isRedisSpan)).toBe(true);
    expect(child(root, 'rate limit decision').attributes).toMatchObject({ 'flowlab.rate_limit.allowed': true });

    // The graph write: the breaker's decision, then the Neo4j query, parameters never inlined.
    const graphWrite = child(root, 'graph write');
    expect(graphWrite.attributes['flowlab.graph.status']).toBe('synced');
    const breaker = flatten([graphWrite]).find((s) => s.name === 'circuit breaker');
    expect(breaker?.attributes).toMatchObject({ 'flowlab.breaker.state': 'closed' });
    const cypher = flatten([graphWrite]).find((s) => s.attributes['db.system.name'] === 'neo4j');
    expect(cypher).toMatchObject({ kind: 'CLIENT', name: 'neo4j sync todos' });
    expect(cypher?.attributes).toMatchObject({ 'db.operation.name': 'sync todos', 'db.namespace': 'neo4j' });
    expect(String(cypher?.attributes['db.query.text'])).toContain('UNWIND $todos AS todo');
    expect(String(cypher?.attributes['db.query.text'])).not.toContain('Follow the trace');

    // Server-Timing adds it up per dependency.
    const timing = created.response.headers.get('server-timing') ?? '';
    for (const step of ['db', 'graph', 'cache', 'total']) expect(timing).toMatch(new RegExp(`${step};dur=\\d`));
    expect(Number(/db;dur=([\d.]+)/.exec(timing)?.[1])).toBeGreaterThan(0);
    expect(Number(/graph;dur=([\d.]+)/.exec(timing)?.[1])).toBeGreaterThan(0);
  });

  it('lists: a cache miss reads PostgreSQL, the hit that follows does not', async () => {
    const miss = await call('GET', '/todos');
    const hit = await call('GET', '/todos');
    expect(miss.response.headers.get('x-cache')).toBe('miss');
    expect(hit.response.headers.get('x-cache')).toBe('hit');

    const [missRoot] = await fetchTrace(server.base, miss.traceId);
    const [hitRoot] = await fetchTrace(server.base, hit.traceId);
    if (!missRoot || !hitRoot) throw new Error('missing trace');
    expect(missRoot).toMatchObject({ name: 'GET /todos', attributes: { 'http.route': '/todos' } });
    const missLookup = child(missRoot, 'cache lookup');
    const hitLookup = child(hitRoot, 'cache lookup');
    expect(missLookup.attributes).toMatchObject({ 'flowlab.cache.outcome': 'miss', 'flowlab.cache.store': 'redis' });
    expect(hitLookup.attributes).toMatchObject({ 'flowlab.cache.outcome': 'hit' });
    expect(missLookup.children.some(isPostgresSpan)).toBe(true);
    expect(hitLookup.children.some(isPostgresSpan)).toBe(false);
    expect(hitLookup.children.some(isRedisSpan)).toBe(true);
  });

  it('shows Neo4j down: the breaker records the failure, the todo is saved, and the worker span links back', async () => {
    const created = await client.whileNeo4jFails(ADMIN_TOKEN, () =>
      call('POST', '/todos', { title: 'Written while Neo4j is down' }),
    );
    expect(created.response.status).toBe(201);
    expect(created.json.graph).toEqual({ status: 'pending' });

    const [root] = await fetchTrace(server.base, created.traceId);
    if (!root) throw new Error('no trace');
    expect(root.status).not.toBe('error');
    const graphWrite = child(root, 'graph write');
    expect(graphWrite.attributes['flowlab.graph.status']).toBe('pending');
    const failed = flatten([graphWrite]).filter((s) => s.status === 'error');
    expect(failed.map((s) => s.name)).toEqual(expect.arrayContaining(['circuit breaker', 'neo4j sync todos']));
    const exception = failed.flatMap((s) => s.events).find((e) => e.name === 'exception');
    expect(exception?.attributes['exception.message']).toContain('lab fault: injected neo4j error');

    // The outbox worker applies the event later, in a trace of its own that links to this request.
    const workerSpan = await findLinkedSpan(created.traceId);
    expect(workerSpan).toMatchObject({ name: 'outbox event todo.created', kind: 'CONSUMER' });
    expect(workerSpan.attributes).toMatchObject({
      'flowlab.outbox.outcome': 'done',
      'flowlab.outbox.event_type': 'todo.created',
    });
    const outboxWrite = child(root, 'outbox write');
    expect(workerSpan.links).toEqual([{ traceId: created.traceId, spanId: outboxWrite.spanId }]);
  });

  it('writes log lines that carry the trace id of their request', async () => {
    const listed = await call('GET', '/todos?limit=3');
    await fetchTrace(server.base, listed.traceId);
    const line = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request' && l.trace_id === listed.traceId);
    expect(line).toMatchObject({ route: '/todos', status: 200, method: 'GET' });
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("lists the caller's own request in /debug/traces, newest first, filtered by route", async () => {
    // Every call here sends a traceparent, so each SERVER span has a remote parent.
    const first = await call('GET', '/todos?limit=1');
    const second = await call('GET', '/todos?limit=2');
    await fetchTrace(server.base, second.traceId);
    // The list shows a user the requests made with their own token (test/security/debug-traces.test.ts has the rest).
    const { json } = await call('GET', '/debug/traces?route=/todos&limit=50');
    const items = json.items as { traceId: string; route: string }[];
    expect(items[0]).toMatchObject({
      traceId: second.traceId,
      rootName: 'GET /todos',
      route: '/todos',
      method: 'GET',
      statusCode: 200,
      error: false,
    });
    expect(items.map((item) => item.traceId)).toContain(first.traceId);
    expect(items.every((item) => item.route === '/todos')).toBe(true);
  });

  it('names every step of the request-path diagram (the reference page) as a span', async () => {
    const page = await readFile(new URL(`../../../${REQUEST_PATH_PAGE}`, import.meta.url), 'utf8');
    const diagram = /<!-- request-path:start -->([\s\S]*?)<!-- request-path:end -->/.exec(page)?.[1] ?? '';
    const root = /──▶ (\S+ \S+)/.exec(diagram)?.[1];
    const steps = [...diagram.matchAll(/[├└]─ ([a-z][a-z ]+?)\s{2,}/g)].map((m) => m[1]);
    const inline = /inline: ([a-z0-9 ]+) → ([a-z0-9 ]+)\n/.exec(diagram);
    const worker = /^\s+(outbox drain) → (outbox event [a-z.]+)/m.exec(diagram);
    const names = [root, ...steps, inline?.[1], inline?.[2], worker?.[1], worker?.[2]];
    expect(names.every(Boolean)).toBe(true);
    expect(steps.length).toBeGreaterThanOrEqual(7);

    // With Neo4j failing, the inline write goes through the breaker and fails, and the worker applies it later.
    const created = await client.whileNeo4jFails(ADMIN_TOKEN, () =>
      call('POST', '/todos', { title: 'Drawn in the README' }),
    );
    const listed = await call('GET', '/todos');
    const spans = [
      ...flatten(await fetchTrace(server.base, created.traceId)),
      ...flatten(await fetchTrace(server.base, listed.traceId)),
      ...flatten([await findLinkedSpanTrace(created.traceId)]),
    ].map((s) => s.name);
    for (const name of names) expect(spans, `span "${name}"`).toContain(name);
  });

  /** The worker's whole trace (its root, the batch span) for the event written by `traceId`. */
  async function findLinkedSpanTrace(traceId: string): Promise<SpanNode> {
    const linked = await findLinkedSpan(traceId);
    const response = await fetch(`${server.base}/debug/traces/${linked.traceId}`);
    const { spans } = (await response.json()) as { spans: SpanNode[] };
    const root = spans[0];
    if (!root) throw new Error('worker trace has no root');
    return root;
  }

  /**
   * The worker's span that links to the request `traceId`, found as a learner finds it: the request's
   * trace names the traces linking to it (linkedFrom), and the worker's trace is in the learner's
   * own list (GET /debug/traces with their token), since it links to their request.
   */
  async function findLinkedSpan(traceId: string): Promise<SpanNode> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const request = (await (await fetch(`${server.base}/debug/traces/${traceId}`)).json()) as {
        linkedFrom: { traceId: string; spanId: string; spanName: string; localSpanId: string }[];
      };
      // The worker may have tried while Neo4j was failing (an outage) before it applied the event.
      for (const from of request.linkedFrom) {
        const worker = (await (await fetch(`${server.base}/debug/traces/${from.traceId}`)).json()) as {
          spans: SpanNode[];
          linksTo: { traceId: string; spanId: string; localSpanId: string }[];
        };
        const linked = flatten(worker.spans).find((s) => s.spanId === from.spanId);
        if (linked?.attributes['flowlab.outbox.outcome'] !== 'done') continue;
        expect(worker.linksTo).toContainEqual(expect.objectContaining({ traceId, localSpanId: from.spanId }));
        const listing = await fetch(`${server.base}/debug/traces?limit=200`, {
          headers: { Authorization: `Bearer ${userToken}` },
        });
        const { items } = (await listing.json()) as { items: { traceId: string; linksTo?: string[] }[] };
        expect(items.find((item) => item.traceId === from.traceId)?.linksTo).toContain(traceId);
        return linked;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no span links to trace ${traceId}`);
  }
});
