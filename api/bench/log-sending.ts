/**
 * `npm run bench:log-sending`: what turning each pino line into an OpenTelemetry log record costs
 * (the pino instrumentation's log sending, into the recent-logs store), in CPU per request, with
 * the method of bench/telemetry-overhead.ts: two `npm start` on PostgreSQL and Redis, telemetry on,
 * LOG_LEVEL=info (one line per request), one with log sending and one without
 * (OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino), measured in interleaved slices of GET /todos.
 * No OTLP endpoint: the export's own cost is the batch processor's, off the request's path.
 *
 *   BENCH_SLICES=6 BENCH_SLICE_SECONDS=3 BENCH_CONNECTIONS=10 npm run bench:log-sending
 */
import { loadavg } from 'node:os';
import { httpSlice, type Slice } from './lib/load.ts';
import { cpuMicrosOf, memoryOf } from './lib/process-tree.ts';
import { cpuPerRequest, figureLine } from './lib/report.ts';
import { interleave, type Measurement } from './lib/slices.ts';
import { type ApiTarget, startApi } from './lib/targets.ts';

const slices = Number(process.env.BENCH_SLICES ?? 6);
const sliceSeconds = Number(process.env.BENCH_SLICE_SECONDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

const http = (name: string, pid: number, run: (seconds: number) => Promise<Slice>): Measurement => ({
  name,
  async run(seconds) {
    const before = await cpuMicrosOf(pid);
    const slice = await run(seconds);
    return { ...slice, cpuMicros: ((await cpuMicrosOf(pid)) - before) / slice.count };
  },
});

const targets: ApiTarget[] = [];
try {
  const env = { LOG_LEVEL: 'info' };
  const sending = await startApi({ telemetry: true, env });
  targets.push(sending);
  const silent = await startApi({ telemetry: true, env: { ...env, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' } });
  targets.push(silent);
  const results = await interleave(
    [
      [
        http('without log sending', silent.pid, (s) => httpSlice(silent.list, s, connections)),
        http('with log sending', sending.pid, (s) => httpSlice(sending.list, s, connections)),
      ],
    ],
    {
      slices,
      sliceSeconds,
      warmupSeconds: 2,
      onSlice: (i) => process.stderr.write(`  slice ${i + 1}/${slices}, load average ${loadavg()[0]?.toFixed(2)}\n`),
    },
  );
  const got = (name: string) => results.get(name) ?? [];
  console.log(`GET /todos, ${slices} slices of ${sliceSeconds} s, ${connections} connections, LOG_LEVEL=info:`);
  for (const name of ['without log sending', 'with log sending'])
    console.log(figureLine({ label: name, unit: 'req/s', slices: got(name) }));
  const perSlice = (name: string) => got(name).map((s) => s.cpuMicros ?? 0);
  const difference = (cpuPerRequest(got('with log sending')) ?? 0) - (cpuPerRequest(got('without log sending')) ?? 0);
  console.log(`log sending: ${difference.toFixed(1)} µs of CPU a request`);
  console.log(
    `  per slice, without: ${perSlice('without log sending')
      .map((n) => n.toFixed(0))
      .join(' ')}`,
  );
  console.log(
    `  per slice, with:    ${perSlice('with log sending')
      .map((n) => n.toFixed(0))
      .join(' ')}`,
  );
  for (const [name, target] of [
    ['without', silent],
    ['with', sending],
  ] as const) {
    const memory = await memoryOf(target.pid);
    console.log(
      `  RSS ${name} log sending after the run: ${memory.rssMiB.toFixed(1)} MiB (peak ${memory.peakMiB.toFixed(1)})`,
    );
  }
} finally {
  for (const target of targets) await target.drop().catch(() => {});
}
