/** The bench's output: each figure, then each goal (issue 25's), met or MISSED with its anchor. */
import type { Slice } from './load.ts';
import { mean, median } from './stats.ts';

export interface Figure {
  label: string;
  unit: 'req/s' | 'tps';
  slices: Slice[];
}

const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

export function figureLine({ label, unit, slices }: Figure): string {
  const rates = slices.map((s) => s.rps);
  const p50 = median(slices.map((s) => s.p50));
  const p99 = median(slices.map((s) => s.p99));
  const errors = slices.reduce((sum, s) => sum + s.errors, 0);
  const cpu = cpuPerRequest(slices);
  return (
    `  ${label.padEnd(34)} ${fixed(mean(rates)).padStart(7)} ${unit.padEnd(5)} ` +
    `(slices ${fixed(Math.min(...rates))}–${fixed(Math.max(...rates))})   ` +
    `p50 ${fixed(p50, p50 < 10 ? 2 : 0).padStart(5)} ms   p99 ${fixed(p99, p99 < 10 ? 2 : 0).padStart(5)} ms   ` +
    `${cpu === undefined ? '' : `CPU ${fixed(cpu).padStart(5)} µs/request   `}errors ${errors}`
  );
}

/** The server's CPU time per request over all the slices (undefined where it was not measured). */
export function cpuPerRequest(slices: Slice[]): number | undefined {
  if (slices.length === 0 || slices.some((s) => s.cpuMicros === undefined)) return undefined;
  const requests = slices.reduce((sum, s) => sum + s.count, 0);
  return slices.reduce((sum, s) => sum + (s.cpuMicros as number) * s.count, 0) / requests;
}

/**
 * The same comparison in work instead of speed: what the denominator's CPU per request is as a
 * share of the numerator's, i.e. the throughput ratio two CPU-bound servers would have on a quiet machine.
 */
export function workLine(label: string, numerator: Slice[], denominator: Slice[]): string | undefined {
  const mine = cpuPerRequest(numerator);
  const theirs = cpuPerRequest(denominator);
  if (mine === undefined || theirs === undefined) return undefined;
  return `  ${label.padEnd(51)} ${percent(theirs / mine).padStart(6)} (CPU per request ${fixed(mine)} µs vs ${fixed(theirs)} µs)`;
}

export interface RatioGoal {
  label: string;
  numerator: Slice[];
  denominator: Slice[];
  /** The least share of the denominator that meets the goal, e.g. 0.9. */
  atLeast: number;
}

export interface Verdict {
  label: string;
  met: boolean;
  line: string;
}

/**
 * Met or missed on the median of the per-slice ratios: each compares two neighbours in time,
 * and their median resists one noisy slice. The overall ratio (mean over mean) is printed beside it.
 */
export function ratioVerdict(goal: RatioGoal): Verdict {
  const ratios = goal.numerator.map((s, i) => s.rps / (goal.denominator[i]?.rps ?? Number.NaN));
  const slice = median(ratios);
  const overall = mean(goal.numerator.map((s) => s.rps)) / mean(goal.denominator.map((s) => s.rps));
  const met = slice >= goal.atLeast;
  return {
    label: goal.label,
    met,
    line:
      `  ${met ? 'met   ' : 'MISSED'} ${goal.label.padEnd(44)} ${percent(slice).padStart(6)} (goal >= ${percent(goal.atLeast)}; ` +
      `overall ${percent(overall)}, slices ${percent(Math.min(...ratios))}–${percent(Math.max(...ratios))})`,
  };
}

export function latencyVerdict(label: string, slices: Slice[], underMs: number): Verdict {
  const p99s = slices.map((s) => s.p99);
  const p99 = median(p99s);
  const met = p99 < underMs;
  return {
    label,
    met,
    line: `  ${met ? 'met   ' : 'MISSED'} ${label.padEnd(44)} ${`${fixed(p99, 2)} ms`.padStart(8)} (goal < ${underMs} ms; median of the slices' p99, slices ${fixed(Math.min(...p99s))}–${fixed(Math.max(...p99s))} ms)`,
  };
}

/** A figure that must stay at or under a bound (memory, CPU a span), printed with what it is measured against. */
export function boundVerdict(label: string, value: number, unit: string, atMost: number, anchor: string): Verdict {
  const met = value <= atMost;
  return {
    label,
    met,
    line: `  ${met ? 'met   ' : 'MISSED'} ${label.padEnd(44)} ${`${fixed(value, 1)} ${unit}`.padStart(10)} (goal <= ${atMost} ${unit}; ${anchor})`,
  };
}
