/**
 * soak: a long, moderate day. Ten readers for half an hour (2 minutes up, 26 held, 2 down) beside a
 * writer every 2 s. Nothing should change over time: a heap that keeps growing, an outbox backlog that
 * creeps up, or a p95 that drifts are the slow leaks this run exists to find. (Tokens last an hour,
 * JWT_TTL_SECONDS, so the run fits inside one.)
 *
 *   k6 run load-tests/soak.ts
 */
import { mixedLoad } from './lib/mixed-load.ts';

export const { options, setup, write, read, teardown, handleSummary } = mixedLoad({
  name: 'soak',
  createsPerSecond: 0.5,
  duration: '30m',
  readerStages: [
    { duration: '2m', target: 10 },
    { duration: '26m', target: 10 },
    { duration: '2m', target: 0 },
  ],
});
