/**
 * The OpenAPI document says what the API does, as judged by two tools nobody here wrote:
 * Redocly CLI's linter (its recommended rules, ../../../redocly.yaml) on the live document, and
 * Schemathesis (every phase, stateful included, every check) against the real `npm start`, on
 * the embedded default and on the real services with the graph on. `npm run test:contract`
 * installs both first, apart from node_modules (scripts/lib/schemathesis.sh, scripts/lib/redocly.sh).
 *
 * CONTRACT_MAX_EXAMPLES (default 25) sets Schemathesis' cases per operation and phase;
 * CONTRACT_SEED (default 1) its seed, so a failure can be replayed.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../helpers/full-server.ts';
import { type StartedServer, startServer } from '../helpers/start-server.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const workDir = join(repoRoot, '.data/contract');
const schemathesisBin = join(repoRoot, '.data/venv/bin/schemathesis');
const redoclyBin = join(repoRoot, '.data/redocly/node_modules/.bin/redocly');
const maxExamples = process.env.CONTRACT_MAX_EXAMPLES ?? '25';
const seed = process.env.CONTRACT_SEED ?? '1';

const ADMIN_TOKEN = 'contract-admin-token-0123456789';
/** Raised so that thousands of generated requests meet no 429 they did not ask for. */
const runEnv = {
  TODO_CREATE_LIMIT: '1000000',
  AUTH_RATE_LIMIT: '1000000',
  // Schemathesis registers and logs in hundreds of times: the cheapest hashing the API allows.
  PASSWORD_SCRYPT_LOG_N: '10',
  ADMIN_TOKEN,
  LOG_LEVEL: 'warn',
};

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; output: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, output }));
  });
}

/** A user of its own for the run, and its bearer token. */
async function signIn(base: string): Promise<string> {
  const credentials = { email: `contract-${Date.now()}@example.com`, password: 'contract test password' };
  const post = (path: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials),
    });
  expect((await post('/auth/register')).status).toBe(201);
  const login = await post('/auth/login');
  expect(login.status).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

describe('the live OpenAPI document, linted by Redocly CLI (recommended rules)', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer(runEnv);
  });
  afterAll(async () => server?.stop());

  it('has no error and no warning that redocly.yaml does not justify', async () => {
    await mkdir(workDir, { recursive: true });
    // A fixed path: the ignore file beside redocly.yaml names each justified warning by it.
    const document = join(workDir, 'openapi.json');
    await writeFile(document, await (await fetch(`${server.base}/openapi.json`)).text());
    const lint = await run(redoclyBin, ['lint', '.data/contract/openapi.json', '--format=json']);
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint.code).toBe(0);
  });
});

interface Configuration {
  name: string;
  start(): Promise<{ base: string; stop(): Promise<void> }>;
  /** Extra Schemathesis settings for this configuration, appended to schemathesis.toml. */
  extraConfig?: string;
}

const configurations: Configuration[] = [
  {
    name: 'the embedded default (PGlite, no Redis, no graph)',
    async start() {
      const server = await startServer(runEnv);
      return { base: server.base, stop: server.stop };
    },
    extraConfig: 'schemathesis.no-graph.toml',
  },
  {
    name: 'PostgreSQL, Redis and Neo4j (the graph on)',
    async start() {
      // Neo4j is shared by every test on the machine and the 2 cores are busy: a generous timeout
      // keeps a slow answer from opening the breaker, which would be a 503 about load, not the contract.
      const full: FullServer = await startFullServer({ ...runEnv, GRAPH_TIMEOUT_MS: '10000' });
      return { base: full.server.base, stop: full.stop };
    },
  },
];

describe.each(configurations)('Schemathesis on $name', (configuration) => {
  let server: { base: string; stop(): Promise<void> };
  beforeAll(async () => {
    server = await configuration.start();
  });
  afterAll(async () => server?.stop());

  it('finds no failure in any phase, stateful included, with every check on', async () => {
    const slug = configuration.extraConfig ? 'embedded' : 'services';
    await mkdir(join(workDir, slug), { recursive: true });
    const configFile = join(workDir, slug, 'schemathesis.toml');
    const parts = [await readFile(join(here, 'schemathesis.toml'), 'utf8')];
    if (configuration.extraConfig) parts.push(await readFile(join(here, configuration.extraConfig), 'utf8'));
    await writeFile(configFile, parts.join('\n'));

    const token = await signIn(server.base);
    const result = await run(
      schemathesisBin,
      [
        '--config-file',
        configFile,
        'run',
        `${server.base}/openapi.json`,
        '--max-examples',
        maxExamples,
        '--seed',
        seed,
        '--workers',
        '1',
        '--report',
        'junit',
        '--report-dir',
        join(workDir, slug),
      ],
      { FLOWLAB_CONTRACT_TOKEN: token, FLOWLAB_CONTRACT_ADMIN_TOKEN: ADMIN_TOKEN },
    );
    // The counts, for the log: "Test cases: N generated, ..." and the closing line.
    const summary = result.output
      .split('\n')
      .filter((line) => /generated|passed|failed|failures?,|Phases|✅|❌/.test(line))
      .join('\n');
    console.log(`Schemathesis on ${configuration.name}:\n${summary}`);
    expect(result.output).toMatch(/Selected: (\d+)\/\1/);
    expect(result.code, result.output.slice(-12_000)).toBe(0);
  });
});
