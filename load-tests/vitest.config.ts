import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shim = (name: string) => fileURLToPath(new URL(`./test/k6-shim/${name}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // The scenario files import k6's modules; under the harness those are the shim's.
    alias: [
      { find: /^k6$/, replacement: shim('k6') },
      { find: /^k6\/http$/, replacement: shim('http') },
      { find: /^k6\/metrics$/, replacement: shim('metrics') },
      { find: /^k6\/execution$/, replacement: shim('execution') },
      { find: /^k6\/crypto$/, replacement: shim('crypto') },
    ],
  },
  test: {
    // The same check as the API's tests: PostgreSQL, Redis and Neo4j must answer before anything runs.
    globalSetup: ['../api/test/helpers/global-setup.ts'],
    // The objectives' measurement (bench/objectives.measure.ts) is not a test: `npm run measure`
    // collects it instead of the tests, so a plain run neither runs nor reports it.
    include: process.env.MEASURE === '1' ? ['bench/**/*.measure.ts'] : ['test/**/*.test.ts'],
    pool: 'forks',
    // Each file starts its own `npm start`; two at a time is what a 2-core machine takes.
    maxWorkers: 2,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
