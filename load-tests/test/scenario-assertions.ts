/** What every harnessed run must show, whatever its scenario. */
import { expect } from 'vitest';
import type { ScenarioRun } from './harness.ts';

const STEPS = ['register', 'login', 'create', 'list', 'read', 'complete', 'delete', 'related', 'admin'];

export function expectEveryRequestTraced(run: ScenarioRun): void {
  const requests = run.state.requests;
  expect(requests.length).toBeGreaterThan(0);
  const traceIds = requests.map((r) => {
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(r.requestHeaders.traceparent ?? '');
    expect(match, `${r.method} ${r.url} carries a W3C traceparent`).not.toBeNull();
    const traceId = match?.[1] ?? '';
    // The API continued k6's trace: its traceresponse names the same trace.
    expect(r.headers.Traceresponse, `${r.method} ${r.url}`).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    return traceId;
  });
  expect(new Set(traceIds).size, 'one trace per request').toBe(traceIds.length);
}

export function expectBoundedTags(run: ScenarioRun): void {
  for (const r of run.state.requests) {
    expect(STEPS, `${r.method} ${r.url}`).toContain(r.tags.step);
    // The name tag is a route template: no ids, so one Prometheus series per route, not per todo.
    expect(r.tags.name, r.url).toMatch(/^(GET|POST|PATCH|PUT|DELETE) \/[a-z/:]*$/);
  }
}

/** Every threshold would pass, except latency ones, which a few iterations on a shared machine cannot decide. */
export async function expectThresholdsMet(run: ScenarioRun): Promise<void> {
  const evaluated = await run.thresholds();
  expect(evaluated.length).toBeGreaterThan(0);
  for (const t of evaluated) expect(Number.isFinite(t.actual), `${t.key} ${t.expression}`).toBe(true);
  const breached = evaluated.filter((t) => !t.ok && !t.key.startsWith('http_req_duration'));
  expect(breached).toEqual([]);
}

export async function expectSummaryFiles(run: ScenarioRun, scenario: string): Promise<void> {
  const files = await run.handleSummary();
  expect(files.stdout).toContain(`Flowlab load test: ${scenario}`);
  const names = Object.keys(files).filter((name) => name !== 'stdout');
  expect(names).toHaveLength(2);
  const json = names.find((name) => name.endsWith('.json')) ?? '';
  const text = names.find((name) => name.endsWith('.txt')) ?? '';
  expect(json).toMatch(new RegExp(`^load-tests/results/${scenario}-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\.json$`));
  expect(files[text]).toBe(files.stdout);
  const report = JSON.parse(files[json] ?? '');
  expect(report.scenario).toBe(scenario);
  expect(report.checks.length).toBeGreaterThan(0);
  expect(report.thresholds.length).toBeGreaterThan(0);
  expect(Object.keys(report.steps)).toContain('create');
  expect(report.steps.create.count).toBeGreaterThan(0);
}
