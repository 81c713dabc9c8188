import { defineConfig } from 'vitest/config';

// Only the projects that use PostgreSQL, Redis and Neo4j check them first: the unit tests
// (`npm run test:unit`, the fast loop) need no service at all.
const needsServices = ['test/helpers/global-setup.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    // As `npm start` runs: a test file's PGlite would otherwise spend 600 MiB and a second of CPU optimizing one
    // WebAssembly function it has no time to profit from (test/http/auth.test.ts: peak 1,196 → 670 MiB, CPU 9.7 → 7.7 s).
    execArgv: ['--liftoff-only'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'main',
          globalSetup: needsServices,
          // Each file makes its own databases, so files run in parallel safely.
          include: [
            'test/http/**/*.test.ts',
            'test/smoke/**/*.test.ts',
            'test/stack/**/*.test.ts',
            'test/security/**/*.test.ts',
          ],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'services',
          globalSetup: needsServices,
          // These suites stop and start the real Neo4j and Redis: one file at a time, after the rest.
          include: ['test/services/**/*.test.ts', 'test/telemetry/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'contract',
          // The OpenAPI document checked by Redocly CLI and Schemathesis (npm run test:contract).
          include: ['test/contract/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          sequence: { groupOrder: 3 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          globalSetup: needsServices,
          // The end-to-end tier needs the whole native stack (npm run test:e2e starts it).
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
