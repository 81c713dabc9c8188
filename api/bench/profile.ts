/**
 * `npm run bench:profile`: where a request's CPU goes. Starts the API (PostgreSQL + Redis,
 * graph off, like bench:overhead) with telemetry off and on, or the embedded default when asked
 * for, each under `node --cpu-prof`; drives cached GET /todos and then POST /todos with autocannon, and prints, for each load's
 * window of the profile, the top functions by self and inclusive time, the packages the
 * samples fell in, and the CPU time per request. With telemetry on it also prints one
 * request's spans and round trips (pg and ioredis spans from /debug/traces/<id>).
 *
 * The .cpuprofile files are kept (the path is printed): open them in Chrome DevTools.
 *
 *   BENCH_PROFILE_MODES=off,on,embedded BENCH_PROFILE_SECONDS=10 BENCH_CONNECTIONS=10 npm run bench:profile
 */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callersOf, monotonicMicros, readCpuProfile, summarise, topLines } from './lib/cpu-profile.ts';
import { type HttpLoad, httpSlice } from './lib/load.ts';
import { cpuMicrosByThread } from './lib/process-tree.ts';
import { startApi } from './lib/targets.ts';
import { censusLines, traceCensus } from './lib/trace-census.ts';

// off and on: PostgreSQL + Redis, telemetry off or on; embedded: PGlite and the in-process cache, telemetry on.
const modes = (process.env.BENCH_PROFILE_MODES ?? 'off,on').split(',') as ('off' | 'on' | 'embedded')[];
const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const top = Number(process.env.BENCH_PROFILE_TOP ?? 25);
const intervalMicros = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 500);
// What the issue asks about: the JWT check, WebCrypto and WebIDL, the ORM, the logger, the validator, spans.
const focus = (
  process.env.BENCH_PROFILE_FOCUS ??
  'auth/tokens.ts,hono/dist/utils/jwt,importKey,webidl,drizzle-orm,pino,zod,@opentelemetry,prom-client,api/src/telemetry'
)
  .split(',')
  .map((pattern) => new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
// Optional: who calls these (regular expressions over "function file:line"), e.g. '_Request,importKey'.
const callerPatterns = (process.env.BENCH_PROFILE_CALLERS ?? '')
  .split(',')
  .filter(Boolean)
  .map((p) => new RegExp(p));
const outDir = process.env.BENCH_PROFILE_DIR ?? (await mkdtemp(join(tmpdir(), 'flowlab-profiles-')));

console.log(
  `cpu profiles: ${seconds} s of each load, ${connections} connections, sampled every ${intervalMicros} µs, PostgreSQL + Redis, graph off; files in ${outDir}`,
);
for (const mode of modes) {
  const dir = join(outDir, `telemetry-${mode}`);
  const target = await startApi({
    telemetry: mode !== 'off',
    embedded: mode === 'embedded',
    // npm and the sites' build get the flag too; the server's own profile is found by its pid.
    env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=${intervalMicros}` },
  });
  // Ctrl-C mid-load still stops the server and drops its database.
  const interrupted = () => void target.drop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  const windows: {
    label: string;
    from: number;
    to: number;
    count: number;
    rps: number;
    p99: number;
    threads: string;
  }[] = [];
  const census: string[] = [];
  try {
    const loads: [string, HttpLoad][] = [
      ['GET /todos (cache hit)', target.list],
      ['POST /todos', target.create],
    ];
    for (const [, load] of loads) await httpSlice(load, 2, connections); // warm-up: JIT, pools, the cache
    if (mode !== 'off') {
      census.push(...censusLines('GET /todos', await traceCensus(target.server.base, target.list, 'hit')));
      census.push(...censusLines('POST /todos', await traceCensus(target.server.base, target.create)));
      await httpSlice(target.list, 1, connections); // the census's POST invalidated the list: fill it again
    }
    for (const [label, load] of loads) {
      const threadsBefore = await cpuMicrosByThread(target.pid);
      const from = monotonicMicros();
      const slice = await httpSlice(load, seconds, connections);
      const to = monotonicMicros();
      const threads = [...(await cpuMicrosByThread(target.pid))]
        .map(([name, micros]) => [name, (micros - (threadsBefore.get(name) ?? 0)) / slice.count] as const)
        .filter(([, perRequest]) => perRequest >= 1)
        .sort((a, b) => b[1] - a[1])
        .map(([name, perRequest]) => `${name} ${perRequest.toFixed(0)}`)
        .join(', ');
      windows.push({ label, from, to, count: slice.count, rps: slice.rps, p99: slice.p99, threads });
    }
  } finally {
    process.off('SIGINT', interrupted);
    await target.drop();
  }
  const file = (await readdir(dir)).find((name) => name.includes(`.${target.pid}.`));
  if (!file) throw new Error(`no profile of the server (pid ${target.pid}) in ${dir}`);
  const profile = await readCpuProfile(join(dir, file));
  // The windows beside the profile, so it can be read again (e.g. for other callers) without a new run.
  await writeFile(join(dir, 'windows.json'), JSON.stringify({ file, windows }, null, 2));
  const name = mode === 'embedded' ? 'embedded (telemetry on)' : `telemetry ${mode}`;
  console.log(`\n=== ${name}: ${join(dir, file)}`);
  for (const line of census) console.log(line);
  for (const window of windows) {
    const summary = summarise(profile, window, focus);
    if (summary.samples === 0) throw new Error(`no samples in the ${window.label} window: clocks disagree?`);
    const microsPerRequest = (summary.busyMs * 1000) / window.count;
    console.log(
      `\n--- ${window.label}, ${name}: ${window.rps.toFixed(0)} req/s, p99 ${window.p99} ms; ` +
        `CPU busy ${((summary.busy / summary.samples) * 100).toFixed(0)}% of the window, ` +
        `${microsPerRequest.toFixed(0)} µs of CPU per request (${window.count} requests)`,
    );
    console.log(`CPU by thread, µs per request (/proc; "node" is the main thread): ${window.threads}`);
    console.log('packages (self time, share of busy samples):');
    for (const line of topLines(summary.packages, summary.busy, 15)) console.log(line);
    console.log('packages (inclusive: any frame of the package on the stack):');
    for (const line of topLines(summary.packagesInclusive, summary.busy, 15)) console.log(line);
    const perRequest = (samples: number) => `≈ ${((samples / summary.busy) * microsPerRequest).toFixed(0)} µs/request`;
    console.log('focus (inclusive: any frame whose function or file matches):');
    for (const [pattern, samples] of [...summary.focus].sort((a, b) => b[1] - a[1]))
      console.log(
        `  ${((samples / summary.busy) * 100).toFixed(1).padStart(5)}%  ${perRequest(samples).padEnd(18)} ${pattern}`,
      );
    // Tracing's own code, wherever it was called from: the cost per span is this over the spans.
    const tracing = [...summary.packages]
      .filter(([pkg]) => /^@opentelemetry\/|^api\/src\/telemetry|^node:async_local_storage/.test(pkg))
      .reduce((sum, [, samples]) => sum + samples, 0);
    console.log(
      `tracing's self time (@opentelemetry/*, api/src/telemetry, AsyncLocalStorage): ${((tracing / summary.busy) * 100).toFixed(1)}% ${perRequest(tracing)}`,
    );
    console.log('functions by self time:');
    for (const line of topLines(summary.self, summary.busy, top)) console.log(line);
    for (const pattern of callerPatterns) {
      console.log(`callers of /${pattern.source}/ (samples under it, share of busy):`);
      for (const line of topLines(callersOf(profile, pattern, window), summary.busy, 8)) console.log(line);
    }
    console.log('functions by inclusive time:');
    const skip = new Set(['(idle)', '(root)', '(program)', '(garbage collector)']);
    for (const line of topLines(summary.inclusive, summary.busy, top, skip)) console.log(line);
  }
}
