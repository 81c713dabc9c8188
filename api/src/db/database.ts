/**
 * The database factory: a real PostgreSQL through node-postgres when DATABASE_URL
 * is set, otherwise the embedded default, PGlite (PostgreSQL compiled to WebAssembly,
 * running inside this process). Both speak the same SQL and run the same migrations.
 */
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Faults } from '../lab/faults.ts';
import { ContextKeepingPool, tracedClient } from './pg-tracing.ts';
import * as schema from './schema.ts';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction on it: repositories accept both. */
export type Executor = Database | Transaction;

export type DatabaseKind = 'postgresql' | 'pglite';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Where the data lives, without credentials: shown at start-up and in /readyz. */
  location: string;
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;
  /** The connection pool's occupancy (PostgreSQL only; PGlite has one connection). */
  poolStats?: () => { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  poolMax?: number;
  applicationName?: string;
  /** The lab's fault switches: injected latency or errors before every query. */
  faults?: Faults;
}

export function connectPostgres({
  url,
  poolMax = 10,
  applicationName = 'flowlab-api',
  faults,
}: PostgresOptions): DatabaseHandle {
  const parsed = new URL(url);
  const pool = new ContextKeepingPool({
    // Each statement's CLIENT span, and the lab's fault switch inside it (pg-tracing.ts).
    Client: tracedClient(
      {
        database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
        host: parsed.hostname,
        port: Number(parsed.port || 5432),
      },
      faults,
    ),
    connectionString: url,
    max: poolMax,
    application_name: applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process;
  // the pool drops it and the next query reconnects.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgresql',
    location: `postgresql://${parsed.host}${parsed.pathname}`,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

export async function openDatabase(options: {
  databaseUrl?: string;
  poolMax?: number;
  pgliteDataDir: string;
  faults?: Faults;
}): Promise<DatabaseHandle> {
  // The lab's `postgresql` fault switch reaches either: the pg driver's queries or PGlite's.
  if (options.databaseUrl)
    return connectPostgres({ url: options.databaseUrl, poolMax: options.poolMax, faults: options.faults });
  // Loaded only for the embedded database: a server on PostgreSQL never loads PGlite (bench/README.md).
  const { openPglite } = await import('./pglite.ts');
  return openPglite(options.pgliteDataDir, options.faults);
}
