/**
 * Builds the lab's pages (docs/, web/) when their sources changed, so `npm start` serves them
 * with no extra command and pays for a build only once. Run by the root `prestart` and `pretest`.
 *
 * A workspace takes part by declaring, in its package.json, the files its build reads:
 *   "flowlab": { "buildInputs": ["src", "public", "astro.config.mjs", "../api/src"] }
 * Their contents (and the root lock file) are hashed; the hash is kept beside the build in
 * dist/.build-inputs, and a build runs when it differs or dist/index.html is missing.
 *
 * `--strict` (tests, CI) fails on a failed build; without it (`npm start`) a failed build is
 * reported and the API starts anyway, serving the last good build if there is one.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const strict = process.argv.includes('--strict');
const sites = ['docs', 'web'];
const skip = new Set(['node_modules', 'dist', '.astro', '.data', 'test-results']);

function* filesUnder(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (skip.has(entry.name)) continue;
    yield* filesUnder(join(path, entry.name));
  }
}

function inputsHash(dir: string, inputs: string[]): string {
  const hash = createHash('sha256');
  for (const input of [...inputs.map((i) => resolve(dir, i)), join(root, 'package-lock.json')]) {
    for (const file of filesUnder(input)) {
      hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** One build at a time across processes: parallel test files all run `npm start`. */
function withLock(name: string, work: () => void): void {
  const lock = join(root, '.data', `build-${name}.lock`);
  mkdirSync(join(root, '.data'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than ten minutes belongs to a build that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true });
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A build's environment without what a test runner leaves in process.env: vitest copies Vite's
 * import.meta.env there (BASE_URL=/, DEV=1, MODE=test), and a Vite build run from inside a test
 * would read them as its own and make a development build under the wrong base.
 */
export function buildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of ['BASE_URL', 'DEV', 'PROD', 'MODE', 'SSR', 'NODE_ENV']) delete clean[name];
  return clean;
}

export type BuildOutcome = 'up-to-date' | 'built' | 'failed' | 'not-a-site';

/** Builds one site folder if its declared inputs changed since its last good build. */
export function buildSite(
  dir: string,
  log: (line: string) => void = console.error,
  // A failed build's output goes to stderr ('ignore': nowhere, for tests that fail one on purpose).
  output: 'stderr' | 'ignore' = 'stderr',
): BuildOutcome {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return 'not-a-site';
  const inputs: string[] | undefined = JSON.parse(readFileSync(manifest, 'utf8')).flowlab?.buildInputs;
  if (!inputs) return 'not-a-site';
  const name = relative(root, dir) || dir;
  const stamp = join(dir, 'dist', '.build-inputs');
  const upToDate = (hash: string) =>
    existsSync(join(dir, 'dist', 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
  if (upToDate(inputsHash(dir, inputs))) return 'up-to-date';
  let outcome: BuildOutcome = 'up-to-date';
  withLock(name.replaceAll(/[^a-z0-9]+/gi, '-'), () => {
    const hash = inputsHash(dir, inputs);
    if (upToDate(hash)) return; // another process built it while this one waited
    log(`[flowlab] building ${name}/ (its sources changed; later starts reuse the build)`);
    const started = Date.now();
    // The build's own output is kept, not shown: hundreds of lines a newcomer need not read on a
    // first start. A failed build shows it whole, since that is where its reason is.
    const result = spawnSync('npm', ['run', 'build'], {
      cwd: dir,
      env: buildEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status === 0 && existsSync(join(dir, 'dist', 'index.html'))) {
      writeFileSync(stamp, hash);
      log(`[flowlab] built ${name}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      outcome = 'built';
    } else {
      // On stderr: the API's stdout is its log lines.
      if (output === 'stderr')
        process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}\n`);
      log(`[flowlab] building ${name}/ failed (its output is above); the API starts without the new build`);
      outcome = 'failed';
    }
  });
  return outcome;
}

if (import.meta.main) {
  const outcomes = sites.map((name) => buildSite(join(root, name)));
  if (strict && outcomes.includes('failed')) process.exit(1);
}
