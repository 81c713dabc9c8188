/**
 * average-load: a normal day. Readers ramp to 10 virtual users over a minute, stay three minutes and
 * ramp down (5 minutes in all), beside a writer creating one todo every 2 s. Every objective should
 * hold with room to spare: this run is the baseline the others are compared with.
 *
 *   k6 run load-tests/average-load.ts
 */
import { mixedLoad } from './lib/mixed-load.ts';

export const { options, setup, write, read, teardown, handleSummary } = mixedLoad({
  name: 'average-load',
  createsPerSecond: 0.5,
  duration: '5m',
  readerStages: [
    { duration: '1m', target: 10 },
    { duration: '3m', target: 10 },
    { duration: '1m', target: 0 },
  ],
});
