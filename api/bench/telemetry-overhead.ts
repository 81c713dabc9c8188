/**
 * `npm run bench:overhead`: what telemetry costs. Drives GET /todos and POST /todos against
 * `npm start` with telemetry on and with OTEL_SDK_DISABLED=true, on the same machine in one
 * run, and prints throughput, p50 and p99 for each, and the on/off throughput ratio.
 *
 * Each server runs alone while it is measured (the two never compete for the CPU), against
 * the real PostgreSQL and Redis from `npm run services:up`, each with a fresh database.
 *
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=10 npm run bench:overhead
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { startServer } from '../test/helpers/start-server.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://flowlab:flowlab@127.0.0.1:5432/flowlab';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `flowlab_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function load(options: autocannon.Options): Promise<Result> {
  const result = await autocannon({ duration: seconds, connections, ...options });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function measure(telemetry: boolean): Promise<{ list: Result; create: Result }> {
  return withDatabase(async (databaseUrl) => {
    const server = await startServer({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `flowlab-bench:${randomBytes(4).toString('hex')}:`,
      TODO_CREATE_LIMIT: '100000000',
      LOG_LEVEL: 'warn',
      ...(telemetry ? {} : { OTEL_SDK_DISABLED: 'true' }),
    });
    try {
      const json = { 'Content-Type': 'application/json' };
      const credentials = JSON.stringify({ email: 'bench@example.com', password: 'measure twice' });
      await fetch(`${server.base}/auth/register`, { method: 'POST', headers: json, body: credentials });
      const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: json, body: credentials });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const headers = { ...json, Authorization: `Bearer ${accessToken}` };
      for (let i = 0; i < 20; i++) {
        await fetch(`${server.base}/todos`, { method: 'POST', headers, body: JSON.stringify({ title: `seed ${i}` }) });
      }
      let n = 0;
      // Warm-up, unreported: JIT, pools and caches.
      await autocannon({ url: `${server.base}/todos`, headers, duration: 2, connections });
      const list = await load({ url: `${server.base}/todos`, headers });
      const create = await load({
        url: `${server.base}/todos`,
        method: 'POST',
        headers,
        requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ title: `bench ${n++}` }) }) }],
      });
      return { list, create };
    } finally {
      await server.stop();
    }
  });
}

const row = (label: string, r: Result) =>
  `  ${label.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}`;

const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
console.log(
  `telemetry overhead: ${rounds} rounds of off then on, ${seconds} s per route, ${connections} connections, PostgreSQL + Redis, graph off`,
);
// Alternating rounds, and the median of each: a 2-core machine is noisy, and drift (a warming
// disk cache, a busy neighbour) then falls on both sides alike.
const runs: Record<'off' | 'on', { list: Result; create: Result }[]> = { off: [], on: [] };
for (let round = 0; round < rounds; round++) {
  runs.off.push(await measure(false));
  runs.on.push(await measure(true));
}
const median = (results: Result[]): Result => {
  const sorted = [...results].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)] as Result;
};
const off = { list: median(runs.off.map((r) => r.list)), create: median(runs.off.map((r) => r.create)) };
const on = { list: median(runs.on.map((r) => r.list)), create: median(runs.on.map((r) => r.create)) };
console.log(row('GET /todos   off', off.list));
console.log(row('GET /todos   on', on.list));
console.log(row('POST /todos  off', off.create));
console.log(row('POST /todos  on', on.create));
console.log(
  `  throughput kept with telemetry on: GET ${((on.list.rps / off.list.rps) * 100).toFixed(1)}%, POST ${((on.create.rps / off.create.rps) * 100).toFixed(1)}%`,
);
console.log(
  `  every run (req/s): off GET ${runs.off.map((r) => r.list.rps.toFixed(0)).join(' ')} | on GET ${runs.on.map((r) => r.list.rps.toFixed(0)).join(' ')}`,
);
console.log(
  `                     off POST ${runs.off.map((r) => r.create.rps.toFixed(0)).join(' ')} | on POST ${runs.on.map((r) => r.create.rps.toFixed(0)).join(' ')}`,
);
