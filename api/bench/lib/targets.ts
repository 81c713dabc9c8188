/**
 * What the bench drives: the API as `npm start` runs it (on the services, telemetry on or off,
 * or on the embedded default), and the bare Hono baseline. Each runs in a child process of its
 * own, so none shares the bench's event loop or another's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { postgresBackend } from '../../test/helpers/backends.ts';
import { testRedisUrl, uniqueKeyPrefix } from '../../test/helpers/services.ts';
import { freePort, type StartedServer, startServer } from '../../test/helpers/start-server.ts';
import type { HttpLoad } from './load.ts';
import { findDescendant } from './process-tree.ts';

export interface ApiTarget {
  server: StartedServer;
  /** The node process serving the API (npm's child), for its memory and CPU profile. */
  pid: number;
  headers: Record<string, string>;
  list: HttpLoad;
  create: HttpLoad;
  drop(): Promise<void>;
}

export interface ApiOptions {
  telemetry: boolean;
  /** PGlite and the in-process cache (no DATABASE_URL, no REDIS_URL), instead of the services. */
  embedded?: boolean;
  /** More environment for the server, e.g. NODE_OPTIONS=--cpu-prof. */
  env?: Record<string, string>;
}

let created = 0;

export async function startApi(options: ApiOptions): Promise<ApiTarget> {
  const database = options.embedded ? undefined : await postgresBackend.create();
  const server = await startServer({
    ...(database && { DATABASE_URL: database.url ?? '', REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: uniqueKeyPrefix() }),
    // The bench measures the path, not the limit: every create must pass the rate limit decision.
    TODO_CREATE_LIMIT: '100000000',
    // One JSON line per request to a pipe the bench reads would be the bench's cost, not the API's.
    // BENCH_LOG_LEVEL=info measures the request log too.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    ...(options.telemetry ? {} : { OTEL_SDK_DISABLED: 'true' }),
    ...options.env,
  }).catch(async (error) => {
    await database?.destroy();
    throw error;
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
  const url = `${server.base}/todos`;
  return {
    server,
    pid: await findDescendant(server.child.pid as number, 'src/server.ts'),
    headers,
    list: { url, headers },
    create: { url, headers, body: () => JSON.stringify({ title: `bench ${created++}` }) },
    async drop() {
      await server.stop();
      await database?.destroy();
    },
  };
}

export interface BareTarget {
  pid: number;
  list: HttpLoad;
  drop(): Promise<void>;
}

const bareServer = fileURLToPath(new URL('./bare-hono.ts', import.meta.url));

export async function startBareHono(): Promise<BareTarget> {
  const port = await freePort();
  // process.execPath: the Node.js the bench runs on (npm scripts use the root's node@24).
  const child: ChildProcess = spawn(process.execPath, [bareServer], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 15_000;
  while (
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the bare Hono server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid as number,
    list: { url },
    async drop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
