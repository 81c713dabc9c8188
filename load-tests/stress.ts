/**
 * stress: above a normal day. Readers climb to 20 virtual users, hold, climb to 40, hold, and ramp down
 * (10 minutes), beside writers at 1.2 creates a second (12 users, each under its create limit). Watch
 * the latency of each step and the event-loop delay rise with the readers, and whether the objectives
 * still hold at 40: where they stop holding is this machine's capacity.
 *
 *   k6 run load-tests/stress.ts
 */
import { mixedLoad } from './lib/mixed-load.ts';

export const { options, setup, write, read, teardown, handleSummary } = mixedLoad({
  name: 'stress',
  createsPerSecond: 1.2,
  duration: '10m',
  readerStages: [
    { duration: '2m', target: 20 },
    { duration: '3m', target: 20 },
    { duration: '2m', target: 40 },
    { duration: '2m', target: 40 },
    { duration: '1m', target: 0 },
  ],
});
