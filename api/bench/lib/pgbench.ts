/**
 * The database baseline: pgbench's simple-update script (`-N`) on a scratch database of the
 * real PostgreSQL, with as many clients as autocannon has connections. It is what this server
 * does with the same concurrency and no HTTP, no ORM and no telemetry: the ceiling a POST that
 * writes a few rows can approach.
 *
 * The scratch database is this run's alone (`flowlab_pgbench_<pid>_<random>`), made with
 * `pgbench -i` and dropped at the end; nothing else on the server is touched.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Slice } from './load.ts';
import { percentile } from './stats.ts';

const run = promisify(execFile);

/** pgbench is not on PATH on Debian: it lives in the server's bindir. */
export async function findPgbench(): Promise<string> {
  const candidates: string[] = [];
  if (process.env.PGBENCH) candidates.push(process.env.PGBENCH);
  const bindir = await run('pg_config', ['--bindir']).then(
    ({ stdout }) => stdout.trim(),
    () => undefined,
  );
  if (bindir) candidates.push(join(bindir, 'pgbench'));
  for (const version of ['17', '16', '15', '14', '13']) candidates.push(`/usr/lib/postgresql/${version}/bin/pgbench`);
  const onPath = await run('sh', ['-c', 'command -v pgbench']).then(
    ({ stdout }) => stdout.trim(),
    () => undefined,
  );
  if (onPath) candidates.push(onPath);
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `pgbench not found (looked at: ${candidates.join(', ')}). It ships with PostgreSQL's server package ` +
        '(Debian: postgresql-15, /usr/lib/postgresql/15/bin/pgbench); set PGBENCH=/path/to/pgbench, or leave it ' +
        'out with BENCH_TARGETS.',
    );
  }
  return found;
}

export interface Pgbench {
  binary: string;
  database: string;
  slice(seconds: number): Promise<Slice>;
  drop(): Promise<void>;
}

export async function preparePgbench(options: { adminUrl: string; clients: number }): Promise<Pgbench> {
  const binary = await findPgbench();
  const database = `flowlab_pgbench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: options.adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${database}`;
  const logDir = await mkdtemp(join(tmpdir(), 'flowlab-pgbench-'));
  try {
    await run(binary, ['-i', '-q', url.toString()], { timeout: 120_000 });
  } catch (error) {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    throw error;
  }

  let slices = 0;
  return {
    binary,
    database,
    async slice(seconds) {
      const prefix = join(logDir, `slice${slices++}`);
      // -l writes each transaction's latency (µs, third column): pgbench prints no percentiles.
      const { stdout } = await run(
        binary,
        ['-N', '-c', String(options.clients), '-T', String(seconds), '-l', `--log-prefix=${prefix}`, url.toString()],
        { timeout: (seconds + 60) * 1000 },
      );
      const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
      const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
      if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
      const latencies: number[] = [];
      for (const file of (await readdir(logDir)).filter((name) => join(logDir, name).startsWith(`${prefix}.`))) {
        for (const line of (await readFile(join(logDir, file), 'utf8')).split('\n')) {
          const micros = Number(line.split(' ')[2]);
          if (line && Number.isFinite(micros)) latencies.push(micros / 1000);
        }
        await rm(join(logDir, file));
      }
      latencies.sort((a, b) => a - b);
      return {
        rps: tps,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        errors: failed,
        count: latencies.length,
      };
    },
    async drop() {
      await rm(logDir, { recursive: true, force: true });
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}
