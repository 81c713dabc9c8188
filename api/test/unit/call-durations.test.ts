/**
 * The lab's own dependency histogram must expose exactly what prom-client's Histogram would for
 * the same calls: the same lines, in both formats, so dashboards and alerts cannot tell them apart.
 */
import { Histogram, type Metric, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CallDurations } from '../../src/telemetry/call-durations.ts';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const CALLS = [
  ['postgresql', 'INSERT'],
  ['postgresql', 'BEGIN'],
  ['redis', 'evalsha'],
  ['neo4j', 'other'],
] as const;

describe('the call-durations histogram', () => {
  for (const contentType of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE]) {
    it(`exposes what prom-client's Histogram exposes for the same calls (${contentType.split(';')[0]})`, async () => {
      const theirs = new Registry<typeof contentType>();
      const ours = new Registry<typeof contentType>();
      theirs.setContentType(contentType);
      ours.setContentType(contentType);
      const reference = new Histogram({
        name: 'flowlab_dependency_duration_seconds',
        help: 'Duration of calls to PostgreSQL, Neo4j and Redis, by system and operation (from their client spans).',
        labelNames: ['db_system_name', 'db_operation_name'],
        buckets: BOUNDS,
        registers: [theirs],
      });
      const durations = new CallDurations(BOUNDS);
      ours.registerMetric(durations.asMetric() as Metric);
      // Values on the bounds too: a call of exactly 1 ms counts in le="0.001", as in prom-client.
      const values = [0, 0.0005, 0.001, 0.0007, 0.003, 0.2, 1, 2.5, 2.6, 30, ...BOUNDS];
      values.forEach((seconds, index) => {
        const [system, operation] = CALLS[index % CALLS.length] as (typeof CALLS)[number];
        const labels = { db_system_name: system, db_operation_name: operation };
        reference.observe(labels, seconds);
        durations.observe(labels, seconds);
      });
      const sorted = (text: string) => text.split('\n').sort();
      expect(sorted(await ours.metrics())).toEqual(sorted(await theirs.metrics()));
    });
  }

  it('ignores a duration that is not a number, as it has nothing to count', async () => {
    const durations = new CallDurations(BOUNDS);
    durations.observe({ db_system_name: 'redis', db_operation_name: 'get' }, Number.NaN);
    expect((await durations.get()).values).toEqual([]);
  });
});
