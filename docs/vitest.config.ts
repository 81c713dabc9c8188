import { defineConfig } from 'vitest/config';

// The walkthrough's tests: the source regions (fast, no server) and the pages in a real browser
// against a real `npm start` (slow: one server, one browser, every page).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
