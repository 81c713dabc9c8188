/**
 * What the dashboard charts write beside their lines: values in the panel's unit, series named by
 * the legend format, and which panels need more than the API to have data.
 */
import { describe, expect, it } from 'vitest';
import { formatValue, legendName, panelSource } from '../src/lib/chart-values.ts';
import { loadDashboards } from '../src/lib/dashboards.ts';
import { repoRoot } from '../src/lib/source-region.ts';

describe('the dashboard charts', () => {
  it('write values in the units the dashboards use', () => {
    expect(formatValue(0.0042, 's')).toBe('4.2 ms');
    expect(formatValue(0.000_25, 's')).toBe('250 µs');
    expect(formatValue(1.5, 's')).toBe('1.5 s');
    expect(formatValue(12, 'ms')).toBe('12 ms');
    expect(formatValue(0.125, 'percentunit')).toBe('12.5%');
    expect(formatValue(3 * 1024 * 1024, 'bytes')).toBe('3 MiB');
    expect(formatValue(0.2, 'reqps')).toBe('0.2 req/s');
    expect(formatValue(12_345, 'short')).toBe('12.3k');
    expect(formatValue(null, 's')).toBe('–');
  });

  it('name series by the legend format, else by their labels', () => {
    expect(
      legendName(
        '{{db_system_name}} {{db_operation_name}}',
        { db_system_name: 'redis', db_operation_name: 'GET' },
        'x',
      ),
    ).toBe('redis GET');
    expect(legendName(undefined, { __name__: 'up', job: 'flowlab-api' }, 'up')).toBe('up{job="flowlab-api"}');
    expect(legendName(undefined, {}, 'sum(up)')).toBe('sum(up)');
  });

  it('know the span-metrics panels need the collector and the k6 panels a load test', () => {
    const { dashboards } = loadDashboards(repoRoot);
    const sources = (file: string) =>
      dashboards.find((d) => d.file === file)?.panels.map((p) => panelSource(p.queries.map((q) => q.expr))) ?? [];
    expect(sources('span-metrics.json')).toEqual(['api', 'collector', 'api', 'collector', 'collector']);
    expect(sources('api-overview.json').every((s) => s === 'api')).toBe(true);
    expect(sources('load-test.json').slice(0, 4)).toEqual(['k6', 'k6', 'k6', 'k6']);
  });
});
