/**
 * spike: a sudden crowd. Five readers, then sixty within ten seconds for a minute, then five again
 * (3 minutes), beside a writer at one create a second. Watch active requests and p99 jump, the
 * PostgreSQL pool fill, and how fast everything returns to the baseline once the crowd leaves.
 *
 *   k6 run load-tests/spike.ts
 */
import { mixedLoad } from './lib/mixed-load.ts';

export const { options, setup, write, read, teardown, handleSummary } = mixedLoad({
  name: 'spike',
  createsPerSecond: 1,
  duration: '3m',
  readerStages: [
    { duration: '30s', target: 5 },
    { duration: '10s', target: 60 },
    { duration: '1m', target: 60 },
    { duration: '10s', target: 5 },
    { duration: '1m10s', target: 5 },
  ],
});
