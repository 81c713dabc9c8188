/**
 * What a dashboard chart writes beside its lines, as Grafana would: a value in the panel's unit,
 * a series' name from the query's legend format, and what a panel needs beyond the API to have
 * data at all. Pure, so the page's script and the tests share it.
 */

const compact = (value: number, digits = 3) => {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e9) return `${+(value / 1e9).toPrecision(digits)}G`;
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(digits)}M`;
  if (abs >= 1e4) return `${+(value / 1e3).toPrecision(digits)}k`;
  return String(+value.toPrecision(digits));
};

function seconds(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${compact(value * 1e6)} µs`;
  if (abs < 1) return `${compact(value * 1e3)} ms`;
  return `${compact(value)} s`;
}

function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${compact(scaled)} ${units[unit]}`;
}

/** A value in one of the units the lab's dashboards use; anything else as a plain number. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 's':
      return seconds(value);
    case 'ms':
      return seconds(value / 1000);
    case 'bytes':
      return bytes(value);
    case 'percentunit':
      return `${compact(value * 100)}%`;
    case 'reqps':
      return `${compact(value)} req/s`;
    case 'ops':
      return `${compact(value)} ops/s`;
    default:
      return compact(value);
  }
}

/**
 * A series' name: Grafana's legend format with {{label}} replaced by the series' labels; without
 * one, the labels as Prometheus writes them ({route="/todos"}), or the query when there are none.
 */
export function legendName(format: string | undefined, labels: Record<string, string>, expr: string): string {
  if (format) return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  const pairs = Object.entries(labels).filter(([name]) => name !== '__name__');
  if (pairs.length === 0) return labels.__name__ ?? expr;
  return `${labels.__name__ ?? ''}{${pairs.map(([name, value]) => `${name}="${value}"`).join(', ')}}`;
}

/**
 * What a panel's series come from, when it is not the API's own /metrics: the collector's
 * spanmetrics connector (traces_span_metrics_*), or a k6 run writing to Prometheus (k6_*).
 */
export function panelSource(exprs: string[]): 'collector' | 'k6' | 'api' {
  if (exprs.some((expr) => /\btraces_span_metrics_/.test(expr))) return 'collector';
  if (exprs.some((expr) => /\bk6_/.test(expr))) return 'k6';
  return 'api';
}
