/**
 * The graph half of the dual write, against a real PostgreSQL and a real Neo4j:
 * inline writes, the outbox worker, idempotence, two workers, dead letters, the breaker,
 * and the graph's read features.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OutboxRow, outbox } from '../../src/db/schema.ts';
import type { Graph } from '../../src/dependencies.ts';
import type { BreakerState } from '../../src/graph/breaker.ts';
import { createGraphSync, prepareGraph } from '../../src/graph/graph-sync.ts';
import { createFaults } from '../../src/lab/faults.ts';
import { createOutboxWorker } from '../../src/outbox/outbox-worker.ts';
import { retryPolicy } from '../../src/outbox/retry-policy.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { bodyOf, problemOf } from '../helpers/responses.ts';
import { moveIdSequences, openTestGraph } from '../helpers/services.ts';
import { as, createTestApp, type TestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const silent = createLogger({ level: 'silent' });
/** The path parameter of /todos/{id} and /admin/outbox/{id}. */
const byId = (id: number | undefined) => ({ param: { id: String(id) } });
const graphConfig = {
  TODO_CREATE_LIMIT: '1000',
  ADMIN_TOKEN,
  OUTBOX_MAX_ATTEMPTS: '2',
  GRAPH_TIMEOUT_MS: '2000',
  BREAKER_RESET_MS: '500',
  BREAKER_VOLUME_THRESHOLD: '3',
};

describe('the graph on a real Neo4j', () => {
  let database: TestDatabase;
  let graph: Graph;
  let t: TestApp;
  /** The same database, without a graph: its writes leave events pending in the outbox. */
  let offline: TestApp;
  const faults = createFaults();

  async function graphTodo(id: number) {
    return graph.client.run<{ owner: number; title: string; completed: boolean; categories: number[]; copies: number }>(
      `MATCH (u:User)-[:OWNS]->(t:Todo {id: $id})
       OPTIONAL MATCH (t)-[:BELONGS_TO]->(c:Category)
       WITH u, t, collect(c.id) AS categories
       RETURN u.id AS owner, t.title AS title, t.completed AS completed, categories, COUNT { (x:Todo {id: $id}) } AS copies`,
      { id },
      { operation: 'test', mode: 'read' },
    );
  }

  async function pendingIds(): Promise<number[]> {
    const rows = await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
    return rows.map((r) => r.id);
  }

  function newSync(onApplied?: (row: OutboxRow) => void) {
    return createGraphSync({
      db: database.db,
      graph: graph.client,
      breaker: graph.breaker,
      logger: silent,
      retry: retryPolicy(t.config),
      onApplied,
    });
  }

  /** A worker that polls fast, for tests that drive it batch by batch with drainOnce(). */
  function newWorker(batchSize: number, onApplied?: (row: OutboxRow) => void, requestFirstSeconds = 0) {
    return createOutboxWorker({
      db: database.db,
      sync: newSync(onApplied),
      logger: silent,
      options: {
        batchSize,
        leaseSeconds: 30,
        idleMs: 10,
        maxOutageBackoffMs: 100,
        retentionSeconds: 3600,
        requestFirstSeconds,
      },
    });
  }

  beforeAll(async () => {
    database = await postgresBackend.create();
    await moveIdSequences(database.db);
    offline = createTestApp(database, graphConfig, { faults });
    graph = openTestGraph(offline.config, faults);
    await prepareGraph(graph.client);
    t = createTestApp(database, graphConfig, { graph, faults });
  });

  afterAll(async () => {
    graph?.breaker.shutdown();
    await graph?.client.close();
    await database?.destroy();
  });

  it('writes a new todo to Neo4j inline: the response says synced', async () => {
    const { token, user } = await t.signUp();
    const work = await bodyOf(await t.client.categories.$post({ json: { name: 'Work' } }, as(token)), 201);
    const created = await bodyOf(
      await t.client.todos.$post({ json: { title: 'Graph me', categoryIds: [work.id] } }, as(token)),
      201,
    );
    expect(created.graph).toEqual({ status: 'synced' });
    expect(await graphTodo(created.id)).toEqual([
      { owner: user.id, title: 'Graph me', completed: false, categories: [work.id], copies: 1 },
    ]);

    const completed = await t.client.todos[':id'].$patch(
      { ...byId(created.id), json: { completed: true, categoryIds: [] } },
      as(token),
    );
    expect((await completed.json()).graph).toEqual({ status: 'synced' });
    expect((await graphTodo(created.id))[0]).toMatchObject({ completed: true, categories: [] });

    expect((await t.client.todos[':id'].$delete(byId(created.id), as(token))).status).toBe(204);
    expect(await graphTodo(created.id)).toEqual([]);
    expect(await pendingIds()).toEqual([]);
  });

  it('prepares the graph at start-up (constraints, a rolled-back rehearsal) without leaving anything in it', async () => {
    const census = () =>
      graph.client.run<{ nodes: number; rehearsal: number }>(
        'MATCH (n) RETURN count(n) AS nodes, count(CASE WHEN n.id = -1 THEN 1 END) AS rehearsal',
        {},
        { operation: 'test', mode: 'read' },
      );
    const before = await census();
    await prepareGraph(graph.client);
    expect(await census()).toEqual(before);
    expect(before[0]?.rehearsal).toBe(0);
    const constraints = await graph.client.run<{ name: string }>(
      'SHOW CONSTRAINTS YIELD name RETURN name',
      {},
      { operation: 'test', mode: 'read' },
    );
    expect(constraints.map((c) => c.name)).toEqual(expect.arrayContaining(['user_id', 'todo_id', 'category_id']));
  });

  it('applies an event again without changing the graph (idempotent)', async () => {
    const { token } = await offline.signUp();
    const home = await bodyOf(await offline.client.categories.$post({ json: { name: 'Home' } }, as(token)), 201);
    const response = await offline.client.todos.$post({ json: { title: 'Twice', categoryIds: [home.id] } }, as(token));
    const created = await response.json();
    expect(created.graph).toEqual({ status: 'disabled' });

    const sync = newSync();
    const rows = await database.db.select().from(outbox).where(eq(outbox.status, 'pending')).orderBy(outbox.id);
    for (const row of rows) expect(await sync.processEvent(row)).toBe('done');
    const once = await graphTodo(created.id);
    // Replay every event, as a redelivery or an admin replay would.
    for (const row of rows) expect(await sync.processEvent(row)).toBe('done');
    expect(await graphTodo(created.id)).toEqual(once);
    expect(once[0]?.copies).toBe(1);
  });

  it('leaves a fresh event to the request that wrote it, and takes it once that window has passed', async () => {
    const { token } = await offline.signUp();
    const created = await (
      await offline.client.todos.$post({ json: { title: 'Mine to try first' } }, as(token))
    ).json();
    const [event] = await database.db.select().from(outbox).where(eq(outbox.status, 'pending'));
    expect(event?.aggregateId).toBe(String(created.id));

    const patient = newWorker(10, undefined, 60);
    expect((await patient.drainOnce()).claimed).toBe(0);
    expect(await pendingIds()).toEqual([event?.id]);
    // The request can still claim it: its inline write is what the window is for.
    expect(await newSync().tryInline(event?.id ?? 0)).toBe('synced');
    expect(await pendingIds()).toEqual([]);

    const second = await (await offline.client.todos.$post({ json: { title: 'Nobody tried me' } }, as(token))).json();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const prompt = newWorker(10, undefined, 1);
    expect((await prompt.drainOnce()).outcomes.done).toBe(1);
    expect((await graphTodo(second.id))[0]).toMatchObject({ title: 'Nobody tried me', copies: 1 });
  });

  it('lets two workers drain one backlog concurrently, applying every event exactly once', async () => {
    const { token } = await offline.signUp();
    for (let i = 0; i < 40; i++) await offline.client.todos.$post({ json: { title: `backlog ${i}` } }, as(token));
    const backlog = await pendingIds();
    expect(backlog.length).toBeGreaterThanOrEqual(40);

    const applied: number[] = [];
    const workers = [1, 2].map(() => newWorker(5, (row) => applied.push(row.id)));
    const perWorker = [0, 0];
    await Promise.all(
      workers.map(async (worker, index) => {
        for (;;) {
          const result = await worker.drainOnce();
          if (result.claimed === 0) break;
          perWorker[index] = (perWorker[index] ?? 0) + result.outcomes.done;
        }
      }),
    );
    expect([...applied].sort((a, b) => a - b)).toEqual(backlog);
    expect(new Set(applied).size).toBe(applied.length);
    // Both really took part.
    expect(perWorker.every((n) => n > 0)).toBe(true);
    expect(await pendingIds()).toEqual([]);
  });

  it('dead-letters a poison event after its attempts, lists it for the admin and replays it', async () => {
    const [poison] = await database.db
      .insert(outbox)
      .values({ aggregateType: 'invoice', aggregateId: '1', eventType: 'invoice.paid', payload: {} })
      .returning();
    if (!poison) throw new Error('no poison row');
    const worker = newWorker(10);
    const deadline = Date.now() + 10_000;
    let row: OutboxRow | undefined;
    do {
      await worker.drainOnce();
      [row] = await database.db.select().from(outbox).where(eq(outbox.id, poison.id));
      if (row?.status === 'dead') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    expect(row).toMatchObject({ status: 'dead', attempts: 2 });
    expect(row?.lastError).toContain('no graph handler for invoice event "invoice.paid"');

    const admin = as(ADMIN_TOKEN);
    const { outbox: deadLetters } = t.client.admin;
    expect((await deadLetters.dead.$get()).status).toBe(401);
    const dead = await bodyOf(await deadLetters.dead.$get({}, admin), 200);
    expect(dead.items).toEqual([expect.objectContaining({ id: poison.id, eventType: 'invoice.paid', attempts: 2 })]);

    const replay = await deadLetters[':id'].replay.$post(byId(poison.id), admin);
    expect(replay.status).toBe(202);
    const [replayed] = await database.db.select().from(outbox).where(eq(outbox.id, poison.id));
    expect(replayed).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await deadLetters[':id'].replay.$post(byId(poison.id), admin)).status).toBe(404);
    // Out of the way of the other tests.
    await database.db.delete(outbox).where(eq(outbox.id, poison.id));
  });

  it('opens the breaker after repeated failures, answers 503 while open, and closes when Neo4j answers again', async () => {
    // A breaker of its own: the shared one's rolling window is full of earlier successes.
    const ownFaults = createFaults();
    const ownGraph = openTestGraph(t.config, ownFaults);
    const tb = createTestApp(database, graphConfig, { graph: ownGraph, faults: ownFaults });
    const states: BreakerState[] = [];
    ownGraph.breaker.onChange((state) => states.push(state));
    const { token } = await tb.signUp();

    try {
      ownFaults.set('neo4j', { latencyMs: 0, errorRate: 1 });
      const statuses: string[] = [];
      for (let i = 0; i < 5; i++) {
        const created = await tb.client.todos.$post({ json: { title: `while broken ${i}` } }, as(token));
        statuses.push((await bodyOf(created, 201)).graph.status);
      }
      expect(statuses).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
      expect(ownGraph.breaker.state()).toBe('open');

      const stats = await problemOf(await tb.client.graph.stats.$get({}, as(token)), 503);
      expect(stats).toMatchObject({ type: '/problems/dependency-unavailable', dependency: 'neo4j' });
      expect(stats.detail).toContain('circuit breaker is open');
    } finally {
      ownFaults.reset();
    }

    await new Promise((resolve) => setTimeout(resolve, 600));
    // The first call after the reset timeout is the trial; it succeeds and closes the breaker.
    expect((await tb.client.graph.stats.$get({}, as(token))).status).toBe(200);
    expect(ownGraph.breaker.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    ownGraph.breaker.shutdown();
    await ownGraph.client.close();

    // The events written while it was open are still pending, and a worker catches up.
    const worker = newWorker(50);
    const deadline = Date.now() + 15_000;
    while ((await pendingIds()).length > 0 && Date.now() < deadline) {
      await worker.drainOnce();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await pendingIds()).toEqual([]);
  });

  describe('read features on a known graph', () => {
    let ada: { token: string; user: { id: number } };
    let ids: Record<string, number>;
    let bob: { token: string; user: { id: number } };
    let cy: { token: string; user: { id: number } };

    // Category names unique to this run: similarity compares names across every user in the graph.
    const tag = Math.random().toString(36).slice(2, 8);
    const named = (name: string) => `${name}-${tag}`;

    beforeAll(async () => {
      ids = {};
      const make = async (who: TestApp, token: string, categories: string[], todos: [string, string[]][]) => {
        const categoryIds: Record<string, number> = {};
        for (const name of categories) {
          const response = await who.client.categories.$post({ json: { name: named(name) } }, as(token));
          categoryIds[name] = (await bodyOf(response, 201)).id;
        }
        for (const [title, cats] of todos) {
          const json = { title, categoryIds: cats.map((c) => categoryIds[c] ?? 0) };
          const created = await (await who.client.todos.$post({ json }, as(token))).json();
          expect(created.graph).toEqual({ status: 'synced' });
          ids[title] = created.id;
        }
      };
      ada = await t.signUp('ada');
      await make(
        t,
        ada.token,
        ['work', 'home', 'garden'],
        [
          ['report', ['work']],
          ['slides', ['work', 'home']],
          ['budget', ['work', 'home']],
          ['roses', ['garden']],
        ],
      );
      bob = await t.signUp('bob');
      await make(t, bob.token, ['Work', 'Home'], [['bob task', ['Work', 'Home']]]);
      cy = await t.signUp('cy');
      await make(t, cy.token, ['work', 'music'], [['cy task', ['work', 'music']]]);
    });

    it('finds your todos that share a category, most shared first', async () => {
      const relatedTo = (id: number | undefined) => t.client.todos[':id'].related.$get(byId(id), as(ada.token));
      const related = await bodyOf(await relatedTo(ids.slides), 200);
      expect(related.items).toEqual([
        {
          id: ids.budget,
          title: 'budget',
          completed: false,
          sharedCategories: expect.arrayContaining([named('work'), named('home')]),
        },
        { id: ids.report, title: 'report', completed: false, sharedCategories: [named('work')] },
      ]);
      expect((await (await relatedTo(ids.roses)).json()).items).toEqual([]);
      // Another user's todo is not found, whatever the graph holds.
      expect((await relatedTo(ids['bob task'])).status).toBe(404);
    });

    it('scores users by the overlap of their category names', async () => {
      const similar = await bodyOf(await t.client.users.me.similar.$get({}, as(ada.token)), 200);
      expect(similar.items).toEqual([
        // Bob: {work, home} against Ada's {work, home, garden}: 2 shared of 3.
        { userId: bob.user.id, sharedCategories: expect.arrayContaining([named('work'), named('home')]), score: 2 / 3 },
        // Cy: {work, music}: 1 shared of 4.
        { userId: cy.user.id, sharedCategories: [named('work')], score: 1 / 4 },
      ]);
    });

    it('counts nodes and relationships, and reports the outbox backlog and the breaker', async () => {
      const stats = await bodyOf(await t.client.graph.stats.$get({}, as(ada.token)), 200);
      expect(stats.nodes.todos).toBeGreaterThanOrEqual(6);
      expect(stats.relationships.belongsTo).toBeGreaterThanOrEqual(8);
      expect(stats.outbox).toMatchObject({ pending: 0, dead: 0 });
      expect(stats.breaker).toBe('closed');
    });
  });

  it('answers the graph features with 503 "graph disabled" when no graph is configured', async () => {
    const { token } = await offline.signUp();
    const response = await offline.client.users.me.similar.$get({}, as(token));
    const problem = await problemOf(response, 503);
    expect(problem).toMatchObject({ dependency: 'neo4j' });
    expect(problem.detail).toContain('graph disabled');
    expect(response.headers.get('retry-after')).toBe('10');
  });

  it('reports each dependency in /readyz', async () => {
    const ready = await (await t.client.readyz.$get()).json();
    expect(ready).toMatchObject({
      status: 'ready',
      checks: { postgresql: { status: 'up' }, neo4j: { status: 'up' }, redis: { status: 'disabled' } },
    });
  });
});
