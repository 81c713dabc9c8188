/**
 * flowlab_dependency_duration_seconds: a histogram of every PostgreSQL, Neo4j and Redis call, kept
 * by the lab rather than by prom-client's Histogram, and served by prom-client's registry like any
 * of its metrics (through the same public get() the registry reads, as the counter views in
 * metrics.ts are).
 *
 * Why by hand: a POST makes seven or eight dependency calls, and prom-client's observe() with
 * labels costs about 2 µs a call on this machine (it checks the labels, hashes them into a string,
 * and finds the bucket by a float-keyed object), where this one is two Map look-ups and a loop
 * over twelve bounds (bench/README.md, "Lean"). Label values stay bounded: the systems are three,
 * the operations a fixed set (dependency-spans.ts).
 */
import type { Metric } from 'prom-client';

type Labels = { db_system_name: string; db_operation_name: string };

interface Series {
  labels: Labels;
  /** Calls per bucket (not cumulative); the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class CallDurations {
  readonly name = 'flowlab_dependency_duration_seconds';
  readonly help =
    'Duration of calls to PostgreSQL, Neo4j and Redis, by system and operation (from their client spans).';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: readonly number[];
  /** By system, then by operation. */
  private readonly series = new Map<string, Map<string, Series>>();

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
  }

  observe(labels: Labels, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    let bySystem = this.series.get(labels.db_system_name);
    if (!bySystem) {
      bySystem = new Map();
      this.series.set(labels.db_system_name, bySystem);
    }
    let series = bySystem.get(labels.db_operation_name);
    if (!series) {
      series = { labels: { ...labels }, counts: new Array(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      bySystem.set(labels.db_operation_name, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > (this.bounds[bucket] as number)) bucket++;
    series.counts[bucket] = (series.counts[bucket] ?? 0) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  reset(): void {
    this.series.clear();
  }

  /** The histogram as prom-client's registry reads a metric: _bucket (cumulative), _sum, _count. */
  async get() {
    // `le` first and the series' labels after it (prom-client's sharedLabels), as its Histogram writes them.
    const values: {
      labels: Record<string, string | number>;
      sharedLabels: Labels;
      value: number;
      metricName: string;
    }[] = [];
    for (const bySystem of this.series.values()) {
      for (const { labels, counts, sum, count } of bySystem.values()) {
        let cumulative = 0;
        this.bounds.forEach((bound, index) => {
          cumulative += counts[index] ?? 0;
          values.push({
            labels: { le: bound },
            sharedLabels: labels,
            value: cumulative,
            metricName: `${this.name}_bucket`,
          });
        });
        values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${this.name}_bucket` });
        values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` });
        values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` });
      }
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** This histogram as a metric a prom-client Registry can hold (registerMetric). */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
