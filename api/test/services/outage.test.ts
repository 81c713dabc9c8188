/**
 * The outage the outbox exists for: the real Neo4j is stopped in the middle of the test,
 * fifty todos are created anyway, Neo4j comes back, and the worker drains the backlog with
 * nothing lost and nothing duplicated.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import type { Graph } from '../../src/dependencies.ts';
import { prepareGraph } from '../../src/graph/graph-sync.ts';
import { createFaults } from '../../src/lab/faults.ts';
import type { OutboxWorker } from '../../src/outbox/outbox-worker.ts';
import { outboxWorkerFor } from '../../src/outbox/wiring.ts';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { eventually, moveIdSequences, openTestGraph, startService, stopService } from '../helpers/services.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('Neo4j stopped mid-test', () => {
  let database: TestDatabase;
  let graph: Graph;
  let t: TestApp;
  let worker: OutboxWorker | undefined;

  beforeAll(async () => {
    database = await postgresBackend.create();
    await moveIdSequences(database.db);
    const faults = createFaults();
    const overrides = {
      TODO_CREATE_LIMIT: '1000',
      GRAPH_TIMEOUT_MS: '1000',
      BREAKER_RESET_MS: '1000',
      OUTBOX_POLL_MS: '50',
    };
    graph = openTestGraph(createTestApp(database, overrides).config, faults);
    await prepareGraph(graph.client);
    t = createTestApp(database, overrides, { graph, faults });
    worker = outboxWorkerFor(t.deps);
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    // Whatever happened, leave Neo4j running for the suites after this one.
    await startService('neo4j');
    graph?.breaker.shutdown();
    await graph?.client.close();
    await database?.destroy();
  }, 180_000);

  it('creates 50 todos while Neo4j is down, then converges to exactly those 50 in the graph', async () => {
    const { token, user } = await t.signUp('outage');
    worker?.start();

    await stopService('neo4j');
    const ids: number[] = [];
    const graphStatuses = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const created = await t.send('POST', '/todos', { token, body: { title: `during the outage ${i}` } });
      expect(created.status).toBe(201);
      ids.push(created.json.id);
      graphStatuses.add(created.json.graph.status);
    }
    expect(graphStatuses).toEqual(new Set(['pending']));
    expect(graph.breaker.state()).toBe('open');

    // What a learner sees meanwhile: the graph features name the dependency, /readyz says degraded.
    const similar = await t.send('GET', '/users/me/similar', { token });
    expect(similar.status).toBe(503);
    expect(similar.json.dependency).toBe('neo4j');
    const ready = await t.send('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'degraded', checks: { neo4j: { status: 'down' } } });
    const pending = await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
    expect(pending.length).toBeGreaterThanOrEqual(50);

    await startService('neo4j');
    const restartedAt = Date.now();
    await eventually(
      async () => {
        const left = await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
        if (left.length > 0) throw new Error(`${left.length} events still pending`);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    console.info(`backlog of ${pending.length} events drained ${Date.now() - restartedAt} ms after Neo4j was back`);

    const inGraph = await graph.client.run<{ id: number; copies: number; owners: number }>(
      `UNWIND $ids AS id
       MATCH (t:Todo {id: id})
       OPTIONAL MATCH (u:User {id: $userId})-[o:OWNS]->(t)
       RETURN t.id AS id, count(DISTINCT t) AS copies, count(o) AS owners`,
      { ids, userId: user.id },
      { operation: 'test', mode: 'read' },
    );
    expect(inGraph.map((r) => r.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(inGraph.every((r) => r.copies === 1 && r.owners === 1)).toBe(true);
    const dead = await database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'dead'));
    expect(dead).toEqual([]);
  }, 240_000);
});
