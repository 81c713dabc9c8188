/**
 * `npm run bench:overhead`: what telemetry costs, and what a cache hit costs, against baselines
 * measured in the same run (the goals of issue 25; the figures of each run go in bench/README.md).
 *
 * Targets, each in its own process and measured in interleaved slices (lib/slices.ts says why):
 * - bare:     the API's HTTP stack (hono + @hono/node-server) with one JSON route;
 * - pgbench:  pgbench's simple-update (-N) on a scratch database, as many clients as connections;
 * - get/post: `npm start` on the real PostgreSQL and Redis, graph off, telemetry off
 *             (OTEL_SDK_DISABLED=true) and on, GET /todos (a cache hit) and POST /todos;
 * - embedded: `npm start` with neither DATABASE_URL nor REDIS_URL (PGlite, the in-process cache),
 *             telemetry on, GET /todos.
 * - the SDK floor: a span started and ended through a Node tracer provider with a batch processor and
 *             no exporter, in this process (lib/sdk-floor.ts): the anchor of the per-span goal.
 * Each HTTP server's CPU time per request and memory (before and after) come from /proc (Linux).
 *
 *   BENCH_TARGETS=bare,pgbench,get,post,embedded BENCH_SLICES=8 BENCH_SLICE_SECONDS=3 \
 *   BENCH_CONNECTIONS=10 npm run bench:overhead
 *
 * BENCH_LOG_LEVEL (default warn, as in issue 11's table) sets the API servers' LOG_LEVEL.
 *
 * A missed goal prints as missed and the exit code stays 0: this measures, it does not test.
 * It exits 1 only when something failed to run (or more than 1% of the requests failed).
 */
import { loadavg } from 'node:os';
import { testDatabaseUrl } from '../test/helpers/backends.ts';
import { type CacheCounts, cacheCounts, cacheLine } from './lib/cache-check.ts';
import { httpSlice, type Slice } from './lib/load.ts';
import { preparePgbench } from './lib/pgbench.ts';
import { cpuMicrosOf, memoryOf } from './lib/process-tree.ts';
import {
  boundVerdict,
  cpuPerRequest,
  type Figure,
  figureLine,
  latencyVerdict,
  ratioVerdict,
  type Verdict,
  workLine,
} from './lib/report.ts';
import { sdkFloorMicros } from './lib/sdk-floor.ts';
import { interleave, type Measurement } from './lib/slices.ts';
import { type ApiTarget, startApi, startBareHono } from './lib/targets.ts';
import { type Census, censusLines, traceCensus } from './lib/trace-census.ts';

const slices = Number(process.env.BENCH_SLICES ?? 8);
const sliceSeconds = Number(process.env.BENCH_SLICE_SECONDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const known = ['bare', 'pgbench', 'get', 'post', 'embedded'] as const;
const chosen = (process.env.BENCH_TARGETS ?? known.join(',')).split(',').map((t) => t.trim());
const unknown = chosen.filter((t) => !(known as readonly string[]).includes(t));
if (unknown.length > 0) {
  console.error(`BENCH_TARGETS: unknown ${unknown.join(', ')}; choose from ${known.join(',')}`);
  process.exit(1);
}
const wants = (target: (typeof known)[number]) => chosen.includes(target);
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');

console.log(
  `bench: ${slices} interleaved slices of ${sliceSeconds} s, ${connections} connections (pgbench: as many clients); ` +
    `targets ${chosen.join(',')}; PostgreSQL + Redis, graph off, LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'warn'}; ` +
    `load average ${load()} at the start`,
);

const cleanups: (() => Promise<void>)[] = [];
// One clean-up, however many ask for it: Ctrl-C and the main flow's `finally` both wait for the same one,
// so neither exits while servers still run or scratch databases remain.
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error('cleanup:', error));
  })());
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
const api: Partial<Record<'off' | 'on' | 'embedded', ApiTarget>> = {};
const groups: Measurement[][] = [];
/** An HTTP measurement, with the CPU time its server process spent on the slice. */
const http = (name: string, pid: number, run: (seconds: number) => Promise<Slice>): Measurement => ({
  name,
  async run(seconds) {
    const before = await cpuMicrosOf(pid);
    const slice = await run(seconds);
    return { ...slice, cpuMicros: ((await cpuMicrosOf(pid)) - before) / slice.count };
  },
});

try {
  if (wants('bare')) {
    const bare = await startBareHono();
    cleanups.push(bare.drop);
    groups.push([http('bare', bare.pid, (s) => httpSlice(bare.list, s, connections))]);
  }
  if (wants('pgbench')) {
    const pgbench = await preparePgbench({ adminUrl: testDatabaseUrl, clients: connections });
    cleanups.push(pgbench.drop);
    console.log(`  pgbench: ${pgbench.binary}, scratch database ${pgbench.database}`);
    groups.push([{ name: 'pgbench', run: (s) => pgbench.slice(s) }]);
  }
  if (wants('get') || wants('post')) {
    for (const mode of ['off', 'on'] as const) {
      const target = await startApi({ telemetry: mode === 'on' });
      cleanups.push(target.drop);
      api[mode] = target;
    }
    const { off, on } = api as Required<typeof api>;
    if (wants('get'))
      groups.push([
        http('get off', off.pid, (s) => httpSlice(off.list, s, connections)),
        http('get on', on.pid, (s) => httpSlice(on.list, s, connections)),
      ]);
    if (wants('post'))
      groups.push([
        http('post off', off.pid, (s) => httpSlice(off.create, s, connections)),
        http('post on', on.pid, (s) => httpSlice(on.create, s, connections)),
      ]);
  }
  if (wants('embedded')) {
    const embedded = await startApi({ telemetry: true, embedded: true });
    cleanups.push(embedded.drop);
    api.embedded = embedded;
    groups.push([http('embedded get', embedded.pid, (s) => httpSlice(embedded.list, s, connections))]);
  }

  // The servers whose GET /todos is measured, by the name the output gives them.
  const listTargets = Object.entries(api).filter(([mode]) => wants(mode === 'embedded' ? 'embedded' : 'get'));
  const rssAtStart = new Map<string, number>();
  for (const [mode, target] of Object.entries(api)) rssAtStart.set(mode, (await memoryOf(target.pid)).rssMiB);
  const before = new Map<string, CacheCounts>();
  for (const [mode, target] of listTargets) before.set(mode, await cacheCounts(target.server.base));

  const results = await interleave(groups, {
    slices,
    sliceSeconds,
    warmupSeconds: 2,
    onSlice: (i) => process.stderr.write(`  slice ${i + 1}/${slices} done, load average ${load()}\n`),
  });
  const got = (name: string) => results.get(name) ?? [];

  console.log('\nfigures (throughput: mean of the slices; p50, p99: median of the slices; autocannon has 1 ms steps):');
  const figures: Figure[] = [
    { label: 'bare Hono, one JSON route', unit: 'req/s', slices: got('bare') },
    { label: `pgbench -N, ${connections} clients`, unit: 'tps', slices: got('pgbench') },
    { label: 'GET /todos cache hit, telemetry off', unit: 'req/s', slices: got('get off') },
    { label: 'GET /todos cache hit, telemetry on', unit: 'req/s', slices: got('get on') },
    { label: 'POST /todos, telemetry off', unit: 'req/s', slices: got('post off') },
    { label: 'POST /todos, telemetry on', unit: 'req/s', slices: got('post on') },
    { label: 'embedded GET /todos cache hit (on)', unit: 'req/s', slices: got('embedded get') },
  ];
  for (const figure of figures.filter((f) => f.slices.length > 0)) console.log(figureLine(figure));

  if (listTargets.length > 0)
    console.log('\nis GET /todos a cache hit? (flowlab_cache_requests_total over the run, from /metrics)');
  for (const [mode, target] of listTargets) {
    const counted = cacheLine(
      `GET /todos, ${mode}`,
      before.get(mode) as CacheCounts,
      await cacheCounts(target.server.base),
    );
    console.log(counted.line);
    if (counted.hitShare < 0.99)
      console.log('  ^ not a cache-hit measurement: the figures above are not what they say');
  }

  if (Object.keys(api).length > 0)
    console.log('\nmemory (VmRSS of the server process before and after the run; VmHWM, its peak so far):');
  for (const [mode, target] of Object.entries(api)) {
    const { rssMiB, peakMiB } = await memoryOf(target.pid);
    const what =
      mode === 'embedded' ? 'embedded default (PGlite, in-process cache)' : `PostgreSQL + Redis, telemetry ${mode}`;
    console.log(
      `  ${what.padEnd(44)} RSS ${rssAtStart.get(mode)?.toFixed(0)} → ${rssMiB.toFixed(0)} MiB, peak ${peakMiB.toFixed(0)} MiB`,
    );
  }

  if (api.on || api.embedded)
    console.log('\none request of each, traced (spans and round trips, from /debug/traces/<id>):');
  const census: { get?: Census; post?: Census } = {};
  if (api.on) {
    census.get = await traceCensus(api.on.server.base, api.on.list, 'hit');
    for (const line of censusLines('GET /todos, services', census.get)) console.log(line);
    if (wants('post')) {
      census.post = await traceCensus(api.on.server.base, api.on.create);
      for (const line of censusLines('POST /todos, services', census.post)) console.log(line);
    }
  }
  if (api.embedded) {
    const census = await traceCensus(api.embedded.server.base, api.embedded.list, 'hit');
    for (const line of censusLines('GET /todos, embedded', census)) console.log(line);
  }

  const verdicts: Verdict[] = [];
  const ratio = (label: string, numerator: string, denominator: string, atLeast: number) => {
    if (got(numerator).length && got(denominator).length)
      verdicts.push(ratioVerdict({ label, numerator: got(numerator), denominator: got(denominator), atLeast }));
  };
  ratio('GET cache hit, telemetry off / bare Hono', 'get off', 'bare', 0.15);
  ratio('GET cache hit, telemetry on / off', 'get on', 'get off', 0.8);
  ratio('POST, telemetry on / off', 'post on', 'post off', 0.85);
  ratio('POST, telemetry on / pgbench -N tps', 'post on', 'pgbench', 0.3);
  if (got('get on').length)
    verdicts.push(latencyVerdict(`GET cache hit p99, telemetry on, ${connections} conn.`, got('get on'), 5));

  // A span's cost: the CPU telemetry adds to a request, shared among the request's spans, beside the
  // SDK's own floor for one span (started and ended, nothing exported).
  if ((census.get && got('get off').length) || census.post) {
    const floor = await sdkFloorMicros();
    console.log(`\nthe SDK floor: ${floor.toFixed(1)} µs CPU a span (Node provider, batch processor, no exporter)`);
    for (const [route, counted, on, off] of [
      ['GET cache hit', census.get, 'get on', 'get off'],
      ['POST', census.post, 'post on', 'post off'],
    ] as const) {
      const cpuOn = cpuPerRequest(got(on));
      const cpuOff = cpuPerRequest(got(off));
      if (!counted || cpuOn === undefined || cpuOff === undefined) continue;
      const perSpan = (cpuOn - cpuOff) / counted.spans;
      verdicts.push(
        boundVerdict(
          `${route}: telemetry's CPU a span`,
          perSpan,
          'µs',
          10,
          `(${cpuOn.toFixed(0)} - ${cpuOff.toFixed(0)} µs) / ${counted.spans} spans; SDK floor ${floor.toFixed(1)} µs`,
        ),
      );
    }
  }

  // Memory: idle is the server's RSS before the load, after start-up; the peak is VmHWM after it.
  for (const [mode, atMost] of [
    ['embedded', 300],
    ['on', 150],
  ] as const) {
    const idle = rssAtStart.get(mode);
    if (idle === undefined) continue;
    const what = mode === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL + Redis, telemetry on';
    verdicts.push(boundVerdict(`idle RSS, ${what}`, idle, 'MiB', atMost, 'VmRSS before the load'));
  }
  if (api.embedded) {
    const { peakMiB } = await memoryOf(api.embedded.pid);
    verdicts.push(boundVerdict('peak RSS, embedded (PGlite)', peakMiB, 'MiB', 500, 'VmHWM after the load'));
  }
  if (verdicts.length > 0) {
    console.log('\ngoals of issue 25 (ratios: met or missed on the median of the per-slice ratios):');
    for (const verdict of verdicts) console.log(verdict.line);
    if (connections !== 10) console.log('  (the p99 goal is stated for 10 connections)');
  }
  const work = [
    workLine('GET cache hit, telemetry off / bare Hono', got('get off'), got('bare')),
    workLine('GET cache hit, telemetry on / off', got('get on'), got('get off')),
    workLine('POST, telemetry on / off', got('post on'), got('post off')),
    workLine('embedded GET cache hit (on) / services GET (on)', got('embedded get'), got('get on')),
  ].filter((line) => line !== undefined);
  if (work.length > 0) {
    console.log(
      "\nthe same in work: each server's CPU time per request (all its threads: GC, the libuv pool that runs",
    );
    console.log(
      'WebCrypto); a busy machine moves it less than throughput. Not the goals: waiting on I/O costs no CPU.',
    );
    for (const line of work) console.log(line);
  }
  console.log(
    `\nload average ${load()} at the end; ${verdicts.filter((v) => v.met).length} of ${verdicts.length} goals met`,
  );

  const requests = [...results.values()].flat();
  const failed = requests.reduce((sum, s) => sum + s.errors, 0);
  const total = requests.reduce((sum, s) => sum + s.count, 0);
  if (failed > total * 0.01) {
    console.error(`${failed} of ${total} requests failed: the figures measure failures, not the path`);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
