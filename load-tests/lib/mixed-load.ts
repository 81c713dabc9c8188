/**
 * The shape average-load, soak, spike and stress share: writers creating todos at a steady rate
 * beside readers whose number follows the test type's stages. Each of those files gives its name,
 * its write rate and its stages (what makes it that test type) and exports what this returns, as k6
 * wants: options, setup, the two scenario functions (write, read), teardown and handleSummary.
 */
import { sleep } from 'k6';
import type { Stage } from 'k6/options';
import { usersFor } from './config.ts';
import { readers, writers } from './executors.ts';
import { LIFECYCLE_STEPS, scenarioOptions } from './options.ts';
import { summaryFor } from './summary.ts';
import { browse, cleanUp, lifecycle, prepareRun, type RunData } from './workloads.ts';

export function mixedLoad(test: {
  /** The summary's name: results/<name>.json. */
  name: string;
  createsPerSecond: number;
  /** How long the writers write: the whole run. */
  duration: string;
  readerStages: Stage[];
}) {
  return {
    options: scenarioOptions({
      scenarios: {
        writers: writers(test.createsPerSecond, test.duration),
        readers: readers(test.readerStages),
      },
      steps: LIFECYCLE_STEPS,
    }),
    setup(): RunData {
      return prepareRun({ users: usersFor(test.createsPerSecond) });
    },
    write(data: RunData): void {
      lifecycle(data);
    },
    read(data: RunData): void {
      browse(data);
      sleep(1);
    },
    teardown(data: RunData): void {
      cleanUp(data);
    },
    handleSummary: summaryFor(test.name),
  };
}
