/**
 * Where telemetry's CPU goes, package by package: reads two profile directories written by
 * `npm run bench:profile` (telemetry-off and telemetry-on, each with its windows.json) and prints, for
 * each load, every package's self time in µs per request, off beside on, largest difference first.
 *
 *   node bench/compare-profiles.ts /tmp/flowlab-profiles-XXXX
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCpuProfile, summarise } from './lib/cpu-profile.ts';

interface Window {
  label: string;
  from: number;
  to: number;
  count: number;
}

async function perRequest(dir: string): Promise<Map<string, Map<string, number>>> {
  const { file, windows } = JSON.parse(await readFile(join(dir, 'windows.json'), 'utf8')) as {
    file: string;
    windows: Window[];
  };
  const profile = await readCpuProfile(join(dir, file));
  const byLoad = new Map<string, Map<string, number>>();
  for (const window of windows) {
    const summary = summarise(profile, window, []);
    const microsPerSample = (summary.busyMs * 1000) / summary.busy / window.count;
    const packages = new Map<string, number>([['(total)', (summary.busyMs * 1000) / window.count]]);
    for (const [name, samples] of summary.packages) packages.set(name, samples * microsPerSample);
    byLoad.set(window.label, packages);
  }
  return byLoad;
}

const root = process.argv[2];
if (!root) throw new Error('usage: node bench/compare-profiles.ts <profile directory>');
const off = await perRequest(join(root, 'telemetry-off'));
const on = await perRequest(join(root, 'telemetry-on'));
for (const [label, onPackages] of on) {
  const offPackages = off.get(label) ?? new Map<string, number>();
  console.log(`\n${label}: µs of CPU per request, self time by package (off → on)`);
  const names = new Set([...onPackages.keys(), ...offPackages.keys()]);
  const rows = [...names]
    .map((name) => ({ name, off: offPackages.get(name) ?? 0, on: onPackages.get(name) ?? 0 }))
    .sort((a, b) => (a.name === '(total)' ? -1 : b.name === '(total)' ? 1 : b.on - b.off - (a.on - a.off)));
  for (const row of rows.slice(0, 30)) {
    const delta = row.on - row.off;
    console.log(
      `  ${row.off.toFixed(1).padStart(7)} → ${row.on.toFixed(1).padStart(7)}  (${delta >= 0 ? '+' : ''}${delta.toFixed(1)})  ${row.name}`,
    );
  }
}
