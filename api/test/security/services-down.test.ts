/**
 * `npm run services:down` stops only what scripts/services.sh started: a Redis or a PostgreSQL
 * cluster that was already running (a person's own) is left alone, and the script says so.
 * The Redis servers here run on ports of their own; PostgreSQL's cluster tools are stand-ins that
 * record what they were asked, so the machine's real cluster is never touched.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url));

async function services(args: string[], env: Record<string, string>) {
  const { stdout, stderr } = await run('bash', [script, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
  return `${stdout}${stderr}`;
}

const answers = (port: number) =>
  run('redis-cli', ['-p', String(port), 'ping']).then(
    ({ stdout }) => stdout.trim() === 'PONG',
    () => false,
  );

async function until(check: () => Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('services:down', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  });

  it('leaves a Redis it did not start running', async () => {
    const port = 18150;
    const own = spawn('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    cleanups.push(async () => own.kill('SIGKILL'));
    expect(await until(() => answers(port))).toBe(true);
    const output = await services(['down', 'redis'], { FLOWLAB_REDIS_PORT: String(port) });
    expect(output).toContain('not started by this script');
    expect(await answers(port)).toBe(true);
  });

  it('stops the Redis it started', async () => {
    const port = 18151;
    cleanups.push(() => run('redis-cli', ['-p', String(port), 'shutdown', 'nosave']));
    await services(['up', 'redis'], { FLOWLAB_REDIS_PORT: String(port) });
    expect(await answers(port)).toBe(true);
    await services(['down', 'redis'], { FLOWLAB_REDIS_PORT: String(port) });
    expect(await until(async () => !(await answers(port)))).toBe(true);
  });

  it('stops a PostgreSQL cluster only if it started it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowlab-services-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const bin = join(dir, 'bin');
    const calls = join(dir, 'calls.log');
    await mkdir(bin);
    // Stand-ins for Debian's cluster tools: one online cluster, and a record of every pg_ctlcluster call.
    await writeFile(
      join(bin, 'pg_lsclusters'),
      '#!/bin/sh\necho "15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/x.log"\n',
    );
    await writeFile(join(bin, 'pg_ctlcluster'), `#!/bin/sh\necho "$@" >> ${calls}\n`);
    await chmod(join(bin, 'pg_lsclusters'), 0o755);
    await chmod(join(bin, 'pg_ctlcluster'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}`, FLOWLAB_STATE_DIR: join(dir, 'state') };

    const output = await services(['down', 'postgres'], env);
    expect(output).toContain('was not started by this script');
    expect(await readFile(calls, 'utf8').catch(() => '')).toBe('');

    // What `up` writes when it starts the cluster itself.
    await mkdir(join(dir, 'state', 'postgres'), { recursive: true });
    await writeFile(join(dir, 'state', 'postgres', 'started-cluster'), '15 main\n');
    await services(['down', 'postgres'], env);
    expect(await readFile(calls, 'utf8')).toBe('15 main stop\n');
  });
});
