/** Logs for people on a terminal in development; JSON lines everywhere else (pipes, files, production). */
import { expect, it } from 'vitest';
import { prettyLogs } from '../../src/telemetry/logger.ts';

it('prints for people only on a terminal, and never in production', () => {
  expect(prettyLogs({ NODE_ENV: 'development' }, { isTTY: true })).toBe(true);
  expect(prettyLogs({ NODE_ENV: 'development' }, { isTTY: false })).toBe(false);
  expect(prettyLogs({ NODE_ENV: 'development' }, {})).toBe(false);
  expect(prettyLogs({ NODE_ENV: 'production' }, { isTTY: true })).toBe(false);
});
