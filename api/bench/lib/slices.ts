/**
 * Interleaved slices: every measurement runs for a few seconds in turn, one at a time, round
 * after round. A shared machine's speed drifts by tens of percent from one minute to the next;
 * short turns put that drift on every measurement alike, where long runs one after the other
 * would let it decide the ratios. Measurements compared with each other sit in one group and
 * run back to back; the order of the groups rotates and the order inside a group alternates, so
 * nothing always runs first or just after the same neighbour.
 */
import type { Slice } from './load.ts';

export interface Measurement {
  name: string;
  run(seconds: number): Promise<Slice>;
}

export interface SliceOptions {
  slices: number;
  sliceSeconds: number;
  /** One unreported turn each first: JIT, pools, caches. */
  warmupSeconds: number;
  onSlice?: (index: number) => void;
}

export function sliceOrder(groups: Measurement[][], slice: number): Measurement[] {
  const rotated = groups.map((_, i) => groups[(i + slice) % groups.length] as Measurement[]);
  return rotated.flatMap((group) => (slice % 2 ? [...group].reverse() : group));
}

export async function interleave(groups: Measurement[][], options: SliceOptions): Promise<Map<string, Slice[]>> {
  for (const measurement of groups.flat()) await measurement.run(options.warmupSeconds);
  const results = new Map<string, Slice[]>(groups.flat().map((m) => [m.name, []]));
  for (let slice = 0; slice < options.slices; slice++) {
    for (const measurement of sliceOrder(groups, slice)) {
      results.get(measurement.name)?.push(await measurement.run(options.sliceSeconds));
    }
    options.onSlice?.(slice);
  }
  return results;
}
