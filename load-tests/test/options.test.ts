/**
 * Every scenario's options, checked as k6 would check them before a run, and against the docs:
 * known executors with their required fields and nothing else, exec functions that exist, durations
 * k6 can read, thresholds that parse for their metric's type, tag filters on real steps, and the
 * total duration the load-test reference page's table documents. No server needed.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  declaredMetrics,
  loadScenario,
  loadTestsDir,
  type ScenarioRun,
  type ScenarioSpec,
  scenarioNames,
} from './harness.ts';
import { builtInMetrics, expressionOf, parseExpression, parseKey } from './thresholds.ts';

const common = ['executor', 'exec', 'startTime', 'gracefulStop', 'env', 'tags', 'options'];
/** From @types/k6's scenario types: [required, optional] fields per executor. */
const executors: Record<string, [string[], string[]]> = {
  'shared-iterations': [[], ['vus', 'iterations', 'maxDuration']],
  'per-vu-iterations': [[], ['vus', 'iterations', 'maxDuration']],
  'constant-vus': [['duration'], ['vus']],
  'ramping-vus': [['stages'], ['startVUs', 'gracefulRampDown']],
  'constant-arrival-rate': [
    ['rate', 'duration', 'preAllocatedVUs'],
    ['timeUnit', 'maxVUs'],
  ],
  'ramping-arrival-rate': [
    ['stages', 'preAllocatedVUs'],
    ['startRate', 'timeUnit', 'maxVUs'],
  ],
};
const STEPS = ['register', 'login', 'create', 'list', 'read', 'complete', 'delete', 'related', 'admin'];

/** k6's duration strings: 1h2m3s, 90s, 500ms. */
function seconds(duration: unknown): number {
  if (typeof duration !== 'string') throw new Error(`not a duration: ${JSON.stringify(duration)}`);
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(duration);
  if (!match || duration === '') throw new Error(`k6 cannot read the duration ${duration}`);
  const [, h, m, s, ms] = match.map((part) => Number(part ?? 0));
  return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0) + (ms ?? 0) / 1000;
}

/** How long a scenario runs: its start plus its duration, its stages, or its maxDuration (k6's default 10m). */
function end(spec: ScenarioSpec): number {
  const start = spec.startTime ? seconds(spec.startTime) : 0;
  if (spec.duration) return start + seconds(spec.duration);
  if (Array.isArray(spec.stages)) return start + spec.stages.reduce((sum, stage) => sum + seconds(stage.duration), 0);
  return start + seconds(spec.maxDuration ?? '10m');
}

async function documentedMinutes(): Promise<Record<string, number>> {
  const section = await readFile(
    new URL('../../docs/src/content/docs/reference/load-tests.md', import.meta.url),
    'utf8',
  );
  const rows: Record<string, number> = {};
  for (const match of section.matchAll(/^\| `([\w-]+)` +\| [^|]*?(\d+) min[^|]*\|/gm)) {
    rows[match[1] as string] = Number(match[2]);
  }
  return rows;
}

describe.each(scenarioNames)('%s options', (name) => {
  let run: ScenarioRun;
  beforeAll(async () => {
    run = await loadScenario(`${name}.ts`, { API_URL: 'http://127.0.0.1:9', ADMIN_TOKEN: 'unused-in-this-test' });
  });

  it('uses known executors, with their required fields and no others', () => {
    const scenarios = Object.entries(run.options.scenarios);
    expect(scenarios.length).toBeGreaterThan(0);
    for (const [scenario, spec] of scenarios) {
      const fields = executors[spec.executor];
      expect(fields, `${scenario}: executor ${spec.executor}`).toBeDefined();
      const [required, optional] = fields ?? [[], []];
      for (const field of required) expect(spec, `${scenario}.${field}`).toHaveProperty(field);
      for (const field of Object.keys(spec))
        expect([...common, ...required, ...optional], `${scenario}.${field}`).toContain(field);
      expect(typeof run.module[spec.exec ?? 'default'], `${scenario} runs an exported function`).toBe('function');
      for (const field of ['rate', 'preAllocatedVUs', 'maxVUs', 'vus', 'iterations', 'startRate', 'startVUs']) {
        if (field in spec)
          expect(Number.isInteger(spec[field]) && (spec[field] as number) >= 0, `${scenario}.${field}`).toBe(true);
      }
      for (const field of ['duration', 'startTime', 'maxDuration', 'timeUnit', 'gracefulStop', 'gracefulRampDown']) {
        if (field in spec) expect(seconds(spec[field]), `${scenario}.${field}`).toBeGreaterThanOrEqual(0);
      }
      for (const stage of (spec.stages as { duration: string; target: number }[] | undefined) ?? []) {
        expect(seconds(stage.duration)).toBeGreaterThan(0);
        expect(Number.isInteger(stage.target) && stage.target >= 0).toBe(true);
      }
    }
  });

  it('has thresholds that parse, for metrics that exist, filtered on real steps', async () => {
    const types = { ...builtInMetrics, ...(await declaredMetrics([run.file])) };
    const entries = Object.entries(run.options.thresholds);
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, list] of entries) {
      const { metric, tags } = parseKey(key);
      const type = types[metric];
      expect(type, `${key}: a metric k6 or the script defines`).toBeDefined();
      if (tags.step) expect(STEPS, key).toContain(tags.step);
      for (const threshold of list)
        expect(() => parseExpression(expressionOf(threshold), type ?? 'counter')).not.toThrow();
    }
    // The objectives every scenario shares.
    expect(run.options.thresholds).toHaveProperty('http_req_failed');
    expect(run.options.thresholds).toHaveProperty('checks');
    expect(run.options.thresholds).toHaveProperty(['http_req_duration{step:create}']);
  });

  it('runs as long as the load-test reference says', async () => {
    const documented = (await documentedMinutes())[name];
    expect(documented, `a row for ${name} in the load-test reference's table`).toBeDefined();
    const total = Math.max(...Object.values(run.options.scenarios).map(end));
    expect(total / 60).toBe(documented);
  });

  it('exports setup, handleSummary and k6 options a run needs', () => {
    expect(typeof run.module.setup).toBe('function');
    expect(typeof run.module.handleSummary).toBe('function');
    expect(run.options.summaryTrendStats).toContain('p(99)');
  });
});

describe('the threshold checker itself', () => {
  it('refuses what k6 would refuse', () => {
    expect(() => parseExpression('p(95) < 300', 'trend')).not.toThrow();
    expect(() => parseExpression('p95<300', 'trend')).toThrow();
    expect(() => parseExpression('rate<0.01', 'trend')).toThrow(/not an aggregation of a trend/);
    expect(() => parseExpression('count>0', 'rate')).toThrow();
    expect(() => parseKey('http_req_duration{step}')).toThrow(/bad tag filter/);
    expect(() => seconds('5 min')).toThrow();
    expect(seconds('1m10s')).toBe(70);
    expect(seconds('500ms')).toBe(0.5);
  });

  it('knows the scenario files it checks', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(loadTestsDir)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'vitest.config.ts',
    );
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...scenarioNames].sort());
  });
});

describe('the breakpoint and smoke runs stop at the first breach', () => {
  it.each(['breakpoint', 'smoke'])('%s: abortOnFail on every objective', async (name) => {
    const run = await loadScenario(`${name}.ts`, { API_URL: 'http://127.0.0.1:9' });
    const objectives = Object.entries(run.options.thresholds).filter(([key]) => !key.startsWith('http_reqs'));
    for (const [key, list] of objectives) {
      for (const threshold of list) expect(threshold, key).toMatchObject({ abortOnFail: true });
    }
  });
});
