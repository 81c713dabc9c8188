/** Starts the real `npm start` from the repository root on a free port and a fresh PGlite folder. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface StartedServer {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Only stdout: the JSON log lines. */
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** With `extraEnv`, DATABASE_URL and the others may be set; without, it is the embedded default. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<StartedServer> {
  const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'flowlab-server-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PGLITE_DATA_DIR: dataDir };
  // Nothing from the test runner's environment may point the server elsewhere.
  for (const name of ['DATABASE_URL', 'NODE_ENV', 'REDIS_URL', 'NEO4J_URI', 'OTEL_EXPORTER_OTLP_ENDPOINT'])
    delete env[name];
  Object.assign(env, extraEnv);
  const child = spawn('npm', ['start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  // Generous: PGlite starting and migrating on a busy 2-core machine has taken over 45 s; START_TIMEOUT_MS
  // for a machine busier still.
  const deadline = Date.now() + Number(process.env.START_TIMEOUT_MS ?? 90_000);
  while (Date.now() < deadline) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, port, base, output: () => output, stdout: () => stdout, exited, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`npm start did not become healthy:\n${output}`);
}
