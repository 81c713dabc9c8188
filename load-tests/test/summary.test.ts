/** handleSummary's report, on k6-shaped summary data: what it keeps, and that a sparse shape does not break it. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryData } from '../lib/summary.ts';

// The library reads k6's __ENV when imported (SUMMARY_DIR), so it is imported once that exists.
let report: typeof import('../lib/summary.ts').report;
let text: typeof import('../lib/summary.ts').text;
beforeAll(async () => {
  Object.assign(globalThis, { __ENV: {} });
  ({ report, text } = await import('../lib/summary.ts'));
});

const data: SummaryData = {
  metrics: {
    http_reqs: { type: 'counter', values: { count: 120, rate: 2 } },
    http_req_failed: { type: 'rate', values: { rate: 0.025 }, thresholds: { 'rate<0.01': { ok: false } } },
    'http_req_duration{step:create}': {
      type: 'trend',
      values: { 'p(95)': 123.4, 'p(99)': 456.7 },
      thresholds: { 'p(95)<800': { ok: true } },
    },
    'http_reqs{step:create}': { type: 'counter', values: { count: 20, rate: 0.3 } },
  },
  root_group: {
    name: '',
    checks: [{ name: 'create: 201', passes: 19, fails: 1 }],
    groups: [{ name: 'inner', checks: [{ name: 'list: 200 with items', passes: 5, fails: 0 }], groups: [] }],
  },
  state: { testRunDurationMs: 61_234 },
};

describe('the run report', () => {
  it('keeps thresholds, checks from every group, and each step against its objective', () => {
    const run = report('smoke', data, new Date('2026-12-01T10:00:00Z'));
    expect(run.passed).toBe(false);
    expect(run.durationSeconds).toBe(61.2);
    expect(run.thresholds).toContainEqual({ metric: 'http_req_failed', threshold: 'rate<0.01', ok: false });
    expect(run.checks.map((c) => c.name)).toEqual(['create: 201', 'list: 200 with items']);
    expect(run.steps.create).toEqual({ count: 20, p95Ms: 123.4, p99Ms: 456.7, objectiveP95Ms: 800 });
    expect(run.requests).toEqual({ count: 120, perSecond: 2, failedRate: 0.025 });
    const summary = text(run);
    expect(summary).toContain('THRESHOLDS BREACHED (exit code 99)');
    expect(summary).toContain('FAIL create: 201: 19 passed, 1 failed');
    expect(summary).toMatch(/create +20 +123\.4 +456\.7 +800/);
  });

  it('survives summary data without groups, state or values', () => {
    const run = report('soak', { metrics: { 'http_req_duration{step:list}': { type: 'trend', values: {} } } });
    expect(run.checks).toEqual([]);
    expect(run.steps.list).toEqual({ count: 0, p95Ms: 0, p99Ms: 0, objectiveP95Ms: 150 });
    expect(text(run)).toContain('every threshold met');
  });
});
