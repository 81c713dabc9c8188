/**
 * graph-outage (a drill): Neo4j fails mid-run and the writes do not. Writers create a todo a second for
 * 4 minutes. At 1:00 the lab's fault switch makes every Neo4j call fail; at 2:30 it is switched off and
 * the drill waits for the outbox to drain. A learner should see: creates stay 201, answering
 * "graph": "pending" instead of "synced" (graph_synced falls below 100 %); the breaker open
 * (flowlab_circuit_breaker_state 2); the outbox backlog and its oldest age climb; then, after the
 * switch is off, the backlog drain to zero. Needs LAB_MODE=1 and ADMIN_TOKEN on the API, and the same
 * ADMIN_TOKEN here.
 *
 *   k6 run -e ADMIN_TOKEN=... load-tests/graph-outage.ts
 */
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { usersFor } from './lib/config.ts';
import { writers } from './lib/executors.ts';
import { clearFaults, graphStats, requireAdminToken, setFault } from './lib/lab.ts';
import { scenarioOptions } from './lib/options.ts';
import { createTodo } from './lib/steps.ts';
import { summaryFor } from './lib/summary.ts';
import { cleanUp, lifecycle, prepareRun, type RunData } from './lib/workloads.ts';

const CREATES_PER_SECOND = 1;
const DRAIN_TIMEOUT_SECONDS = 90;

/** The share of writes Neo4j had at once; below 1 is the outage, seen from the client. */
const graphSynced = new Rate('graph_synced');
const drainSeconds = new Trend('outbox_drain_seconds');

export const options = scenarioOptions({
  scenarios: {
    writers: writers(CREATES_PER_SECOND, '4m'),
    outageStart: {
      executor: 'per-vu-iterations',
      exec: 'outageStart',
      startTime: '1m',
      vus: 1,
      iterations: 1,
      maxDuration: '30s',
    },
    outageEnd: {
      executor: 'per-vu-iterations',
      exec: 'outageEnd',
      startTime: '2m30s',
      vus: 1,
      iterations: 1,
      maxDuration: '90s',
    },
  },
  // related is a graph read: it answers 503 during the outage, so this drill leaves it out.
  steps: ['register', 'login', 'create', 'list', 'read', 'complete', 'delete'],
  thresholds: {
    // The outage was seen (some writes pending) and it ended (most were synced).
    graph_synced: ['rate<1', 'rate>0.3'],
    outbox_drain_seconds: [`max<${DRAIN_TIMEOUT_SECONDS}`],
  },
});

export function setup(): RunData {
  requireAdminToken();
  return prepareRun({ users: usersFor(CREATES_PER_SECOND) });
}

export function write(data: RunData): void {
  lifecycle(data, { related: false, onCreate: (todo) => graphSynced.add(todo.graph?.status === 'synced') });
}

export function outageStart(data: RunData): void {
  setFault('neo4j', { errorRate: 1 });
  const user = data.users[0];
  if (!user) return;
  const todo = createTodo(user.token, `during the outage ${data.runId}`);
  check(todo, { 'outage: a create is still 201, graph pending': (t) => t?.graph?.status === 'pending' });
}

export function outageEnd(data: RunData): void {
  clearFaults();
  const token = data.users[0]?.token ?? '';
  const started = Date.now();
  let stats = graphStats(token);
  while (!(stats && stats.outbox.pending === 0 && stats.breaker === 'closed')) {
    if ((Date.now() - started) / 1000 > DRAIN_TIMEOUT_SECONDS) break;
    sleep(2);
    stats = graphStats(token);
  }
  const seconds = (Date.now() - started) / 1000;
  drainSeconds.add(seconds);
  console.log(`graph outage: backlog ${stats?.outbox.pending ?? 'unknown'} after ${seconds.toFixed(1)} s`);
  check(stats, {
    'outage over: the outbox backlog drained to 0': (s) => s?.outbox.pending === 0,
    'outage over: the breaker closed again': (s) => s?.breaker === 'closed',
    'outage over: no event became a dead letter': (s) => s?.outbox.dead === 0,
  });
}

export function teardown(data: RunData): void {
  // Whatever happened, leave Neo4j working for the next run.
  clearFaults();
  cleanUp(data);
}

export const handleSummary = summaryFor('graph-outage');
