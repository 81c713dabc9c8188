/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the PGlite data folder. */
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from './database.ts';
import { runMigrations } from './migrate.ts';

try {
  const config = loadConfig();
  const handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: config.PGLITE_DATA_DIR,
  });
  await runMigrations(handle);
  await handle.close();
  console.log(`migrations applied to ${handle.location}`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
