import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes in the schema into a new SQL migration.
// The migrations are committed and applied at start-up and by `npm run db:migrate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
