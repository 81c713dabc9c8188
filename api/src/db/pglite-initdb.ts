/**
 * A new PGlite data folder is made in a short-lived child process. PGlite's initdb runs a second
 * PostgreSQL and the initdb program in WebAssembly beside the first (about 570 MiB at its peak) and
 * the server would keep much of that heap for its whole life (a WebAssembly memory never shrinks):
 * made apart, the server opens a finished folder and starts at about 250 MiB instead of 470.
 *
 * Run as a script: `node pglite-initdb.ts <folder>`.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';

/** Makes the folder's database in a child process, unless it has one already. */
export async function initPgliteFolder(dataDir: string, startParams: string[]): Promise<void> {
  const exists = await access(join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (exists) return;
  // V8's baseline WebAssembly compiler only, as `npm start` runs: the optimizing one would take its 600 MiB here too
  // (a peak of 1,100 MiB against 570, and slower: api/bench/README.md).
  const script = fileURLToPath(import.meta.url);
  await promisify(execFile)(process.execPath, ['--liftoff-only', script, dataDir, JSON.stringify(startParams)], {
    timeout: 120_000,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dataDir, startParams] = process.argv.slice(2);
  const db = await PGlite.create(dataDir, { startParams: JSON.parse(startParams ?? '[]') });
  await db.close();
}
