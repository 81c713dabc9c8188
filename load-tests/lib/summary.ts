/**
 * handleSummary for every scenario: a short text summary on stdout (thresholds, checks, p95 and p99 per
 * step), and the same as text and JSON files in SUMMARY_DIR, named by scenario and time, so a learner
 * keeps each run and compares two of them (`diff`, or jq on the JSON).
 */
import { SUMMARY_DIR } from './config.ts';
import { stepObjectives } from './slo.ts';

interface MetricSummary {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface Group {
  name: string;
  checks: { name: string; passes: number; fails: number }[];
  groups: Group[];
}

export interface SummaryData {
  metrics: Record<string, MetricSummary>;
  root_group?: Group;
  state?: { testRunDurationMs: number };
}

/** The trend statistics every scenario keeps (k6's default lacks p(99)). */
export const summaryTrendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

// Read defensively: a k6 release that reshapes the summary data should cost a line, not the summary.
function allChecks(group: Group | undefined): Group['checks'] {
  return [...(group?.checks ?? []), ...(group?.groups ?? []).flatMap(allChecks)];
}

export interface RunReport {
  scenario: string;
  finishedAt: string;
  durationSeconds: number;
  passed: boolean;
  thresholds: { metric: string; threshold: string; ok: boolean }[];
  checks: { name: string; passes: number; fails: number }[];
  steps: Record<string, { count: number; p95Ms: number; p99Ms: number; objectiveP95Ms: number }>;
  requests: { count: number; perSecond: number; failedRate: number };
  metrics: SummaryData['metrics'];
}

export function report(scenario: string, data: SummaryData, now: Date = new Date()): RunReport {
  const metrics = data.metrics ?? {};
  const thresholds = Object.entries(metrics).flatMap(([metric, summary]) =>
    Object.entries(summary.thresholds ?? {}).map(([threshold, { ok }]) => ({ metric, threshold, ok })),
  );
  const steps: RunReport['steps'] = {};
  for (const [metric, summary] of Object.entries(metrics)) {
    const step = /^http_req_duration\{step:(\w+)\}$/.exec(metric)?.[1];
    if (!step || !(step in stepObjectives)) continue;
    steps[step] = {
      count: metrics[`http_reqs{step:${step}}`]?.values?.count ?? 0,
      p95Ms: summary.values?.['p(95)'] ?? 0,
      p99Ms: summary.values?.['p(99)'] ?? 0,
      objectiveP95Ms: stepObjectives[step as keyof typeof stepObjectives].p95,
    };
  }
  const reqs = metrics.http_reqs?.values ?? {};
  return {
    scenario,
    finishedAt: now.toISOString(),
    durationSeconds: Math.round((data.state?.testRunDurationMs ?? 0) / 100) / 10,
    passed: thresholds.every((t) => t.ok),
    thresholds,
    checks: allChecks(data.root_group),
    steps,
    requests: {
      count: reqs.count ?? 0,
      perSecond: Math.round((reqs.rate ?? 0) * 10) / 10,
      failedRate: metrics.http_req_failed?.values?.rate ?? 0,
    },
    metrics,
  };
}

export function text(run: RunReport): string {
  const lines = [
    `Flowlab load test: ${run.scenario}, ${run.durationSeconds} s, ${run.passed ? 'every threshold met' : 'THRESHOLDS BREACHED (exit code 99)'}`,
    '',
    'thresholds',
    ...run.thresholds.map((t) => `  ${t.ok ? 'ok  ' : 'FAIL'} ${t.metric} ${t.threshold}`),
    '',
    'checks',
    ...run.checks.map((c) => `  ${c.fails === 0 ? 'ok  ' : 'FAIL'} ${c.name}: ${c.passes} passed, ${c.fails} failed`),
    '',
    'steps (ms)              count      p95      p99   objective p95',
    ...Object.entries(run.steps).map(
      ([step, s]) =>
        `  ${step.padEnd(20)}${String(s.count).padStart(7)}${s.p95Ms.toFixed(1).padStart(9)}${s.p99Ms
          .toFixed(1)
          .padStart(9)}${String(s.objectiveP95Ms).padStart(16)}`,
    ),
    '',
    `requests: ${run.requests.count} (${run.requests.perSecond}/s), failed ${(run.requests.failedRate * 100).toFixed(2)} %`,
    '',
  ];
  return lines.join('\n');
}

/** `export const handleSummary = summaryFor('smoke')` in a scenario file. */
export function summaryFor(scenario: string) {
  return function handleSummary(data: SummaryData): Record<string, string> {
    const run = report(scenario, data);
    const base = `${SUMMARY_DIR}/${scenario}-${run.finishedAt.replace(/[:.]/g, '-')}`;
    const summary = text(run);
    return { stdout: summary, [`${base}.txt`]: summary, [`${base}.json`]: JSON.stringify(run, null, 2) };
  };
}
