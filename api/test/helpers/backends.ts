/**
 * The databases the HTTP suites run against: a REAL PostgreSQL server and PGlite.
 * Each call makes a fresh, migrated database that belongs to one test file alone.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectPostgres, type DatabaseHandle } from '../../src/db/database.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { errorCode } from '../../src/errors/error-code.ts';
import { createFaults, type Faults } from '../../src/lab/faults.ts';

/** The database `scripts/services.sh` creates; TEST_DATABASE_URL points elsewhere. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://flowlab:flowlab@127.0.0.1:5432/flowlab';

export interface TestDatabase extends DatabaseHandle {
  /** The lab fault switch wired into this database's driver (pg's or PGlite's). */
  faults: Faults;
  /** The connection string, for a server process started on this database (PostgreSQL only). */
  url?: string;
  /** Closes the connections and removes the database. */
  destroy(): Promise<void>;
}

export interface Backend {
  name: 'postgresql' | 'pglite';
  create(): Promise<TestDatabase>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * DROP DATABASE ... WITH (FORCE) ends the test's leftover connections, but on PostgreSQL 15 it
 * refuses (42501, "must be a member of the role whose process is being terminated") when an
 * autovacuum worker happens to be in that database, which a loaded machine makes likely: the
 * worker has no role to match. The worker finishes or yields within moments, so try again.
 */
async function dropDatabase(name: string, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (error) {
      if (errorCode(error) !== '42501' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export const postgresBackend: Backend = {
  name: 'postgresql',
  async create() {
    const name = `flowlab_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${name}`;
    const faults = createFaults();
    const handle = connectPostgres({ url: url.toString(), poolMax: 10, faults });
    await runMigrations(handle);
    return {
      ...handle,
      faults,
      url: url.toString(),
      async destroy() {
        await handle.close().catch(() => {});
        await dropDatabase(name);
      },
    };
  },
};

export const pgliteBackend: Backend = {
  name: 'pglite',
  async create() {
    const faults = createFaults();
    const handle = await openPglite('memory://', faults);
    await runMigrations(handle);
    return {
      ...handle,
      faults,
      async destroy() {
        await handle.close().catch(() => {});
      },
    };
  },
};

export const backends: Backend[] = [postgresBackend, pgliteBackend];
