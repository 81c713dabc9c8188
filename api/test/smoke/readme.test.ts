/**
 * The curl walk-through (docs/src/content/docs/reference/curl.md), run exactly as written against `npm start`
 * (only the port changes), checking the status that each step promises.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../helpers/start-server.ts';

const run = promisify(execFile);

async function walkthrough(): Promise<string> {
  const page = await readFile(new URL('../../../docs/src/content/docs/reference/curl.md', import.meta.url), 'utf8');
  const section = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(page);
  if (!section?.[1]) throw new Error('reference/curl.md has no walkthrough block');
  return section[1];
}

describe('the curl walk-through', () => {
  let server: StartedServer;

  beforeAll(async () => {
    server = await startServer();
  }, 60_000);
  afterAll(async () => server?.stop());

  it('gives, step by step, the status each comment promises', async () => {
    const script = await walkthrough();
    const promised = [...script.matchAll(/^# → (\d{3})$/gm)].map((m) => Number(m[1]));
    expect(promised.length).toBeGreaterThanOrEqual(14);

    const { stdout } = await run(
      'bash',
      ['-eo', 'pipefail', '-c', script.replaceAll('localhost:8000', `127.0.0.1:${server.port}`)],
      {
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    // A body has no final newline, so the next status line may follow it on the same line.
    const received = [...stdout.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(received).toEqual(promised);
    // What the learner is told to look at is really there.
    expect(stdout).toMatch(/^location: \/todos\/1\r?$/im);
    expect(stdout).toMatch(/^www-authenticate: Bearer realm="flowlab"\r?$/im);
    expect(stdout).toMatch(/^retry-after: \d+\r?$/im);
    expect(stdout).toContain('"title":"Trace a request"');
  }, 60_000);
});
