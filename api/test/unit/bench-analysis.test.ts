/**
 * The bench's arithmetic (api/bench/lib): a wrong share or a wrong order would print a
 * plausible figure that is not what it says, so it is pinned on small hand-made inputs.
 */
import { describe, expect, it } from 'vitest';
import { type CpuProfile, callersOf, packageOf, summarise } from '../../bench/lib/cpu-profile.ts';
import type { Slice } from '../../bench/lib/load.ts';
import { ratioVerdict } from '../../bench/lib/report.ts';
import { type Measurement, sliceOrder } from '../../bench/lib/slices.ts';
import { median, percentile } from '../../bench/lib/stats.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// (root) → handler (api/src/http) → verify (hono) → writev (native); handler → (idle) beside it.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('handler', 'file:///x/api/src/http/auth.ts', 9), children: [3] },
    {
      id: 3,
      callFrame: frame('verify', 'file:///x/node_modules/hono/dist/utils/jwt/jwt.js', 41),
      children: [4],
    },
    { id: 4, callFrame: frame('writev'), children: [] },
    { id: 5, callFrame: frame('(idle)'), children: [] },
  ],
  startTime: 1000,
  endTime: 1600,
  // Samples at 1100 (handler), 1200 (verify), 1300 (writev), 1400 (writev), 1500 (idle), 1600 (verify).
  samples: [2, 3, 4, 4, 5, 3],
  timeDeltas: [100, 100, 100, 100, 100, 100],
};

describe('cpu profile summary', () => {
  it('counts self, inclusive and package shares of the busy samples', () => {
    const summary = summarise(profile, undefined, [/jwt/]);
    expect(summary.samples).toBe(6);
    expect(summary.busy).toBe(5);
    expect(summary.self.get('verify hono/dist/utils/jwt/jwt.js:42')).toBe(2);
    expect(summary.inclusive.get('verify hono/dist/utils/jwt/jwt.js:42')).toBe(4);
    expect(summary.inclusive.get('handler api/src/http/auth.ts:10')).toBe(5);
    // A native frame's self time belongs to its JS caller's package.
    expect(summary.packages.get('hono')).toBe(4);
    expect(summary.packages.get('(native)')).toBeUndefined();
    expect(summary.focus.get('jwt')).toBe(4);
  });

  it('keeps only the samples inside the window', () => {
    const summary = summarise(profile, { from: 1250, to: 1450 });
    expect(summary.samples).toBe(2);
    expect(summary.self.get('writev (native)')).toBe(2);
  });

  it('names the outermost matching frame and its callers', () => {
    const chains = callersOf(profile, /writev|verify/, undefined, 1);
    expect(chains.get('verify hono/dist/utils/jwt/jwt.js:42 <- handler api/src/http/auth.ts:10')).toBe(4);
  });

  it('names packages by node_modules, API folder or node module', () => {
    expect(packageOf(frame('f', 'file:///r/node_modules/@opentelemetry/api/build/x.js'))).toBe('@opentelemetry/api');
    expect(packageOf(frame('f', 'file:///r/node_modules/a/node_modules/pg/lib/x.js'))).toBe('pg');
    expect(packageOf(frame('f', 'file:///r/api/src/cache/store.ts'))).toBe('api/src/cache');
    expect(packageOf(frame('f', 'node:internal/deps/undici/undici'))).toBe('node:deps/undici');
    expect(packageOf(frame('f', 'node:internal/crypto/util'))).toBe('node:crypto');
    expect(packageOf(frame('(garbage collector)'))).toBe('(garbage collector)');
  });
});

describe('interleaved slices', () => {
  const m = (name: string): Measurement => ({
    name,
    run: async () => ({ rps: 0, p50: 0, p99: 0, errors: 0, count: 0 }),
  });
  const groups = [[m('bare')], [m('get off'), m('get on')], [m('pgbench')]];
  const names = (slice: number) => sliceOrder(groups, slice).map((x) => x.name);

  it('rotates the groups and alternates the order inside one', () => {
    expect(names(0)).toEqual(['bare', 'get off', 'get on', 'pgbench']);
    expect(names(1)).toEqual(['get on', 'get off', 'pgbench', 'bare']);
    expect(names(2)).toEqual(['pgbench', 'bare', 'get off', 'get on']);
  });
});

describe('ratios and percentiles', () => {
  const slices = (...rates: number[]): Slice[] => rates.map((rps) => ({ rps, p50: 1, p99: 2, errors: 0, count: 1 }));

  it('judges a goal on the median of the per-slice ratios', () => {
    // Slice ratios 0.95, 0.5, 0.92: one noisy slice does not decide it.
    expect(
      ratioVerdict({ label: 'x', numerator: slices(95, 50, 92), denominator: slices(100, 100, 100), atLeast: 0.9 }).met,
    ).toBe(true);
    expect(
      ratioVerdict({ label: 'x', numerator: slices(95, 50, 85), denominator: slices(100, 100, 100), atLeast: 0.9 }).met,
    ).toBe(false);
  });

  it('takes nearest-rank percentiles and the middle of an even median', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([], 99)).toBeNaN();
  });
});
