/**
 * `npm run bench:overhead`: what telemetry costs. Drives GET /todos and POST /todos against
 * `npm start` with telemetry on and with OTEL_SDK_DISABLED=true, on the same machine in one
 * run, and prints throughput, p50 and p99 for each, and the on/off throughput ratio.
 *
 * Both servers run side by side, each on a fresh database of the real PostgreSQL and the real
 * Redis from `npm run services:up`, and are measured in turns of a few seconds, one at a time
 * (so the two never compete for the CPU). On a shared 2-core machine the speed drifts by tens
 * of percent from one minute to the next; short interleaved slices put that drift on both
 * sides alike, where long runs one after the other would let it decide the ratio.
 *
 *   BENCH_SLICES=8 BENCH_SLICE_SECONDS=3 BENCH_CONNECTIONS=10 npm run bench:overhead
 */
import autocannon from 'autocannon';
import { postgresBackend } from '../test/helpers/backends.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../test/helpers/services.ts';
import { type StartedServer, startServer } from '../test/helpers/start-server.ts';

const slices = Number(process.env.BENCH_SLICES ?? 8);
const sliceSeconds = Number(process.env.BENCH_SLICE_SECONDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

type Mode = 'off' | 'on';
type Route = 'list' | 'create';

interface Slice {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Target {
  server: StartedServer;
  headers: Record<string, string>;
  drop(): Promise<void>;
}

async function start(mode: Mode): Promise<Target> {
  const database = await postgresBackend.create();
  const server = await startServer({
    DATABASE_URL: database.url ?? '',
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: uniqueKeyPrefix(),
    TODO_CREATE_LIMIT: '100000000',
    LOG_LEVEL: 'warn',
    ...(mode === 'off' ? { OTEL_SDK_DISABLED: 'true' } : {}),
  });
  const json = { 'Content-Type': 'application/json' };
  const credentials = JSON.stringify({ email: 'bench@example.com', password: 'measure twice' });
  await fetch(`${server.base}/auth/register`, { method: 'POST', headers: json, body: credentials });
  const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: json, body: credentials });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { ...json, Authorization: `Bearer ${accessToken}` };
  for (let i = 0; i < 20; i++) {
    await fetch(`${server.base}/todos`, { method: 'POST', headers, body: JSON.stringify({ title: `seed ${i}` }) });
  }
  return {
    server,
    headers,
    async drop() {
      await server.stop();
      await database.destroy();
    },
  };
}

let created = 0;
async function load(target: Target, route: Route, seconds: number): Promise<Slice> {
  const url = `${target.server.base}/todos`;
  const result = await autocannon({
    url,
    headers: target.headers,
    duration: seconds,
    connections,
    ...(route === 'create' && {
      method: 'POST',
      requests: [
        { setupRequest: (request) => ({ ...request, body: JSON.stringify({ title: `bench ${created++}` }) }) },
      ],
    }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

console.log(
  `telemetry overhead: ${slices} interleaved slices of ${sliceSeconds} s per route and mode, ${connections} connections, PostgreSQL + Redis, graph off`,
);
const targets = { off: await start('off'), on: await start('on') };
try {
  // Warm-up, unreported: JIT, pools and caches.
  for (const mode of ['off', 'on'] as const) {
    for (const route of ['list', 'create'] as const) await load(targets[mode], route, 2);
  }
  const results: Record<Route, Record<Mode, Slice[]>> = { list: { off: [], on: [] }, create: { off: [], on: [] } };
  for (let slice = 0; slice < slices; slice++) {
    // Which mode goes first alternates, so neither always runs just after the other.
    const order: Mode[] = slice % 2 ? ['on', 'off'] : ['off', 'on'];
    for (const route of ['list', 'create'] as const) {
      for (const mode of order) results[route][mode].push(await load(targets[mode], route, sliceSeconds));
    }
  }

  const label = { list: 'GET /todos ', create: 'POST /todos' };
  for (const route of ['list', 'create'] as const) {
    for (const mode of ['off', 'on'] as const) {
      const runs = results[route][mode];
      const rps = runs.reduce((sum, r) => sum + r.rps, 0) / runs.length;
      console.log(
        `  ${label[route]}  ${mode.padEnd(3)} ${rps.toFixed(0).padStart(7)} req/s   p50 ${String(median(runs.map((r) => r.p50))).padStart(4)} ms   p99 ${String(median(runs.map((r) => r.p99))).padStart(4)} ms   errors ${runs.reduce((sum, r) => sum + r.errors, 0)}`,
      );
    }
  }
  for (const route of ['list', 'create'] as const) {
    const { off, on } = results[route];
    // Each slice's ratio compares two neighbours in time; their median resists a noisy slice.
    const ratios = on.map((r, i) => r.rps / (off[i]?.rps ?? Number.NaN));
    const mean = (runs: Slice[]) => runs.reduce((sum, r) => sum + r.rps, 0);
    console.log(
      `  ${label[route]}  throughput kept with telemetry on: ${((mean(on) / mean(off)) * 100).toFixed(1)}% overall, median slice ${(median(ratios) * 100).toFixed(1)}%, slices ${(Math.min(...ratios) * 100).toFixed(0)}–${(Math.max(...ratios) * 100).toFixed(0)}%`,
    );
  }
} finally {
  await targets.off.drop();
  await targets.on.drop();
}
