/**
 * The curl walk-through (docs/src/content/docs/reference/curl.md, between its walkthrough markers), run exactly as written
 * against a running API (only the address changes), with the statuses its comments promise.
 * Used by the smoke test, and by the walkthrough's browser suite after a learner's whole walk:
 * the block must work at any time, not only on a fresh database.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function walkthrough(): Promise<string> {
  const page = await readFile(new URL('../../../docs/src/content/docs/reference/curl.md', import.meta.url), 'utf8');
  const section = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(page);
  if (!section?.[1]) throw new Error('reference/curl.md has no walkthrough block');
  return section[1];
}

/** Runs the block against `base` (http://127.0.0.1:PORT); the statuses promised and received, and what it printed. */
export async function runReadmeWalkthrough(base: string) {
  const script = await walkthrough();
  const promised = [...script.matchAll(/^# → (\d{3})$/gm)].map((m) => Number(m[1]));
  const { stdout } = await run('bash', ['-eo', 'pipefail', '-c', script.replaceAll('http://localhost:8000', base)], {
    maxBuffer: 10 * 1024 * 1024,
  });
  // A body has no final newline, so the next status line may follow it on the same line.
  const received = [...stdout.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
  return { promised, received, stdout };
}
