/**
 * Runs a scenario file the way k6 would, one VU at a time: its init code (the import), setup(), the
 * iterations the test asks for of each of its scenario functions, teardown() and handleSummary(), with
 * the k6 modules served by ./k6-shim (see state.ts for what it leaves out). The test decides the order,
 * which is how the graph-outage drill runs writers before, during and after the outage.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { type RecordedCheck, resetShim, type ShimState, shimState, TestAborted } from './k6-shim/state.ts';
import { builtInMetrics, type EvaluatedThreshold, evaluate, type MetricType } from './thresholds.ts';

export const loadTestsDir = fileURLToPath(new URL('..', import.meta.url));

export interface ScenarioSpec {
  executor: string;
  exec?: string;
  startTime?: string;
  [field: string]: unknown;
}

export interface ScenarioOptions {
  scenarios: Record<string, ScenarioSpec>;
  thresholds: Record<string, unknown[]>;
  [field: string]: unknown;
}

type ScenarioModule = Record<string, unknown> & { options: ScenarioOptions };

interface Globals {
  __ENV: Record<string, string>;
  __VU: number;
  __ITER: number;
}

/** The custom metrics a script declares (`new Rate('graph_synced')`), by type, read from its source. */
export async function declaredMetrics(files: string[]): Promise<Record<string, MetricType>> {
  const types: Record<string, MetricType> = {};
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    for (const match of source.matchAll(/new (Counter|Gauge|Rate|Trend)\('([\w.]+)'\)/g)) {
      types[match[2] as string] = (match[1] as string).toLowerCase() as MetricType;
    }
  }
  return types;
}

export class ScenarioRun {
  data: unknown;
  readonly errors: string[] = [];
  private readonly iterations = new Map<string, number>();

  readonly file: string;
  readonly module: ScenarioModule;
  readonly state: ShimState;

  constructor(file: string, module: ScenarioModule, state: ShimState) {
    this.file = file;
    this.module = module;
    this.state = state;
  }

  get options(): ScenarioOptions {
    return this.module.options;
  }

  private call(scenario: string, name: string, vu: number, ...args: unknown[]): unknown {
    const fn = this.module[name];
    if (typeof fn !== 'function') throw new Error(`${this.file} exports no function ${name}`);
    const done = this.iterations.get(scenario) ?? 0;
    Object.assign(shimState().context, {
      scenario,
      vu,
      iterationInScenario: done,
      iterationInTest: done,
      iter: done,
    });
    Object.assign(globalThis as unknown as Globals, { __VU: vu, __ITER: done });
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof TestAborted) throw error;
      // k6 logs an exception and goes on with the next iteration: the test sees the list.
      this.errors.push(`${scenario}: ${error instanceof Error ? error.stack : String(error)}`);
      return undefined;
    } finally {
      this.iterations.set(scenario, done + 1);
    }
  }

  setup(): unknown {
    this.data = typeof this.module.setup === 'function' ? this.call('setup', 'setup', 0) : undefined;
    return this.data;
  }

  /** `times` iterations of a scenario's exec function (default: `default`), all on one VU unless told. */
  iterate(scenario: string, times: number, vus: number[] = [1]): void {
    const spec = this.options.scenarios[scenario];
    if (!spec) throw new Error(`${this.file} has no scenario ${scenario}`);
    for (let i = 0; i < times; i++) {
      this.call(scenario, spec.exec ?? 'default', vus[i % vus.length] ?? 1, this.data);
    }
  }

  teardown(): void {
    if (typeof this.module.teardown === 'function') this.call('teardown', 'teardown', 0, this.data);
  }

  failedChecks(): RecordedCheck[] {
    return this.state.checks.filter((c) => !c.ok);
  }

  async thresholds(): Promise<EvaluatedThreshold[]> {
    const types = { ...builtInMetrics, ...(await declaredMetrics(this.sourceFiles())) };
    const elapsed = (Date.now() - this.state.startedAt) / 1000;
    return evaluate(this.options.thresholds, this.state.samples, types, elapsed);
  }

  private sourceFiles(): string[] {
    return [this.file];
  }

  /** The summary data k6 would hand handleSummary, for the metrics the thresholds name. */
  async summaryData(): Promise<unknown> {
    const evaluated = await this.thresholds();
    const types = { ...builtInMetrics, ...(await declaredMetrics(this.sourceFiles())) };
    const metrics: Record<
      string,
      { type: string; values: Record<string, number>; thresholds: Record<string, { ok: boolean }> }
    > = {};
    const elapsed = (Date.now() - this.state.startedAt) / 1000;
    for (const key of new Set(['http_reqs', 'http_req_failed', ...Object.keys(this.options.thresholds)])) {
      const name = key.replace(/\{.*$/, '');
      const type = types[name] ?? 'counter';
      const stats =
        type === 'trend'
          ? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']
          : type === 'counter'
            ? ['count', 'rate']
            : [type === 'gauge' ? 'value' : 'rate'];
      const values: Record<string, number> = {};
      for (const stat of stats) {
        const [result] = evaluate({ [key]: [`${stat}>=0`] }, this.state.samples, types, elapsed);
        values[stat] = result?.actual ?? 0;
      }
      metrics[key] = {
        type,
        values,
        thresholds: Object.fromEntries(evaluated.filter((t) => t.key === key).map((t) => [t.expression, { ok: t.ok }])),
      };
    }
    const byName = new Map<string, { name: string; passes: number; fails: number }>();
    for (const c of this.state.checks) {
      const entry = byName.get(c.name) ?? { name: c.name, passes: 0, fails: 0 };
      if (c.ok) entry.passes++;
      else entry.fails++;
      byName.set(c.name, entry);
    }
    return {
      metrics,
      root_group: { name: '', checks: [...byName.values()], groups: [] },
      state: { testRunDurationMs: Date.now() - this.state.startedAt },
    };
  }

  async handleSummary(): Promise<Record<string, string>> {
    const fn = this.module.handleSummary;
    if (typeof fn !== 'function') throw new Error(`${this.file} has no handleSummary`);
    return fn(await this.summaryData()) as Record<string, string>;
  }
}

/** Imports a scenario file afresh (its own init context) with `env` as k6's __ENV. */
export async function loadScenario(file: string, env: Record<string, string> = {}): Promise<ScenarioRun> {
  const state = resetShim();
  Object.assign(globalThis as unknown as Globals, { __ENV: env, __VU: 0, __ITER: 0 });
  // Each scenario file, and the library it shares, reads __ENV when imported: a fresh import each time.
  vi.resetModules();
  const path = file.startsWith('/') ? file : `${loadTestsDir}${file}`;
  const module = (await import(/* @vite-ignore */ pathToFileURL(path).href)) as ScenarioModule;
  return new ScenarioRun(path, module, state);
}

/** The scenario files, by name: every .ts beside lib/ except the config files. */
export const scenarioNames = [
  'smoke',
  'average-load',
  'stress',
  'spike',
  'soak',
  'breakpoint',
  'rate-limit',
  'graph-outage',
] as const;
