/**
 * The embedded default: PGlite, PostgreSQL compiled to WebAssembly, running inside this process.
 * Apart from database.ts so that a server on a PostgreSQL server never loads it (openDatabase
 * imports this module only when DATABASE_URL is unset).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import type { Faults } from '../lab/faults.ts';
import type { Database, DatabaseHandle } from './database.ts';
import { initPgliteFolder } from './pglite-initdb.ts';
import { tracePglite } from './pglite-tracing.ts';
import * as schema from './schema.ts';

/**
 * PostgreSQL's memory settings sized for one learner, not a server: in PGlite every buffer lives in
 * the process's WebAssembly heap, which never shrinks. The defaults (128 MB of shared buffers, 4 MB
 * a sort) cost about 170 MiB of RSS at start-up for a database of a few megabytes; these hold the
 * lab's data many times over (measured in api/bench/README.md).
 */
export const pgliteStartParams = [
  ...PGlite.defaultStartParams,
  ...['-c', 'shared_buffers=16MB', '-c', 'work_mem=1MB', '-c', 'temp_buffers=1MB', '-c', 'wal_buffers=256kB'],
];

/** The embedded default. `dataDir` is a folder, or "memory://" for a throwaway database. */
export async function openPglite(dataDir: string, faults?: Faults): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) {
    await mkdir(dataDir, { recursive: true });
    await initPgliteFolder(dataDir, pgliteStartParams);
  }
  const client = tracePglite(
    await PGlite.create(inMemory ? undefined : dataDir, { startParams: pgliteStartParams }),
    faults,
  );
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    location: inMemory ? 'pglite (in memory)' : `pglite (${dataDir})`,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}
