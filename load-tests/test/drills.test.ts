/**
 * The lab's two drills under the harness, against a real `npm start` with the default limits:
 * rate-limit (the 429 path, waiting out a real Retry-After) and graph-outage (the Neo4j fault switch,
 * on LAB_MODE=1 with an ADMIN_TOKEN, and the outbox draining afterwards). Then the slow-request log:
 * a PostgreSQL fault makes reads slower than their p99 objective, and each prints its trace id.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FullServer, startFullServer } from '../../api/test/helpers/full-server.ts';
import { stepObjectives } from '../lib/slo.ts';
import { loadScenario, type ScenarioRun } from './harness.ts';
import { expectEveryRequestTraced, expectSummaryFiles, expectThresholdsMet } from './scenario-assertions.ts';

const ADMIN_TOKEN = 'load-tests-admin-token-0123456789';

async function labCall(base: string, method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

describe('rate-limit', () => {
  let full: FullServer;
  let run: ScenarioRun;

  beforeAll(async () => {
    full = await startFullServer();
    run = await loadScenario('rate-limit.ts', { API_URL: full.server.base });
    run.setup();
    // One burst: ten 201s, a 429, a real wait of Retry-After seconds (about a minute), one 201.
    run.iterate('burst', 1);
    run.teardown();
  }, 150_000);

  afterAll(async () => full?.stop());

  it('meets the limit at the 11th create and passes every check on the 429', () => {
    expect(run.errors).toEqual([]);
    expect(run.failedChecks()).toEqual([]);
    const creates = run.state.requests.filter((r) => r.tags.step === 'create').map((r) => r.status);
    expect(creates).toEqual([...Array(10).fill(201), 429, 201]);
    const names = run.state.checks.map((c) => c.name);
    expect(names).toContain('rate limit: 429 carries Retry-After in seconds');
    expect(names).toContain('rate limit: after Retry-After, a create succeeds');
  });

  it('does not count the expected 429 as a failed request', () => {
    const refused = run.state.requests.find((r) => r.status === 429);
    expect(refused?.failed).toBe(false);
    expect(refused?.tags.expected_response).toBe('true');
  });

  it('would pass its thresholds, and writes its summaries', async () => {
    await expectThresholdsMet(run);
    await expectSummaryFiles(run, 'rate-limit');
    expectEveryRequestTraced(run);
  });
});

describe('graph-outage', () => {
  let full: FullServer;
  let run: ScenarioRun;
  const createOutcomes = () =>
    run.state.requests
      .filter((r) => r.tags.step === 'create' && r.tags.scenario !== 'setup')
      .map((r) => `${r.tags.scenario}:${JSON.parse(r.bodyStart.length < 300 ? r.bodyStart : '{}').graph?.status}`);

  beforeAll(async () => {
    full = await startFullServer({ LAB_MODE: '1', ADMIN_TOKEN });
    run = await loadScenario('graph-outage.ts', { API_URL: full.server.base, ADMIN_TOKEN });
    run.setup();
    run.iterate('writers', 2);
    run.iterate('outageStart', 1);
    run.iterate('writers', 3);
    run.iterate('outageEnd', 1);
    run.iterate('writers', 2);
    run.teardown();
  }, 200_000);

  afterAll(async () => {
    await labCall(full.server.base, 'DELETE', '/lab/faults').catch(() => {});
    await full?.stop();
  });

  it('keeps every create 201, pending while Neo4j fails and synced before and after', () => {
    expect(run.errors).toEqual([]);
    expect(run.failedChecks()).toEqual([]);
    expect(createOutcomes()).toEqual([
      'writers:synced',
      'writers:synced',
      'outageStart:pending',
      'writers:pending',
      'writers:pending',
      'writers:pending',
      'writers:synced',
      'writers:synced',
    ]);
  });

  it('sees the backlog drain and the breaker close once the switch is off', () => {
    const drained = run.state.checks.filter((c) => c.name.startsWith('outage over:'));
    expect(drained.map((c) => `${c.name}=${c.ok}`)).toEqual([
      'outage over: the outbox backlog drained to 0=true',
      'outage over: the breaker closed again=true',
      'outage over: no event became a dead letter=true',
    ]);
  });

  it('would pass its thresholds (graph_synced below 1, drain in time) and writes its summaries', async () => {
    await expectThresholdsMet(run);
    const synced = (await run.thresholds()).filter((t) => t.key === 'graph_synced');
    expect(synced.map((t) => t.ok)).toEqual([true, true]);
    await expectSummaryFiles(run, 'graph-outage');
    expectEveryRequestTraced(run);
  });

  it('refuses to start without the admin token', async () => {
    const bare = await loadScenario('graph-outage.ts', { API_URL: full.server.base });
    bare.setup();
    expect(bare.errors.join('\n')).toMatch(/needs the API admin token/);
    expect(bare.state.requests).toEqual([]);
  });
});

describe('slow requests', () => {
  let full: FullServer;

  beforeAll(async () => {
    full = await startFullServer({ LAB_MODE: '1', ADMIN_TOKEN });
  });

  afterAll(async () => full?.stop());

  it('print their trace id when slower than the step objective', async () => {
    const run = await loadScenario('smoke.ts', { API_URL: full.server.base });
    run.setup();
    // Every PostgreSQL query 450 ms slower: a list or a read (two queries at least) is over its p99 objective.
    expect(await labCall(full.server.base, 'PUT', '/lab/faults/postgresql', { latencyMs: 450 })).toBe(200);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let lines: string[] = [];
    try {
      run.iterate('readers', 1);
    } finally {
      lines = warn.mock.calls.map((args) => String(args[0]));
      warn.mockRestore();
      await labCall(full.server.base, 'DELETE', '/lab/faults');
    }
    const list = run.state.requests.find((r) => r.tags.step === 'list' && r.tags.scenario === 'readers');
    const traceId = /^00-([0-9a-f]{32})-/.exec(list?.requestHeaders.traceparent ?? '')?.[1];
    expect(traceId).toBeDefined();
    expect(lines.find((line) => line.startsWith('slow list:'))).toContain(`trace ${traceId}`);
    expect(lines.find((line) => line.startsWith('slow read:'))).toMatch(
      new RegExp(`over ${stepObjectives.read.p99} ms\\), status 200, trace [0-9a-f]{32}$`),
    );
  });
});
