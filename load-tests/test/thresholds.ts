/**
 * k6's threshold language, parsed and evaluated over the shim's samples: `metric{tag:value}` keys and
 * `aggregation operator number` expressions, with the aggregations each metric type allows.
 * Parsing is what the options test relies on; evaluating tells what `k6 run` would have exited with.
 */
import type { Sample } from './k6-shim/state.ts';

export type MetricType = Sample['type'];

/** k6's built-in metrics, and their types. */
export const builtInMetrics: Record<string, MetricType> = {
  http_reqs: 'counter',
  http_req_failed: 'rate',
  http_req_duration: 'trend',
  http_req_waiting: 'trend',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  checks: 'rate',
  vus: 'gauge',
  vus_max: 'gauge',
  data_received: 'counter',
  data_sent: 'counter',
};

const aggregationsFor: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\((\d+(\.\d+)?)\))$/,
};

export interface ParsedKey {
  metric: string;
  tags: Record<string, string>;
}

export function parseKey(key: string): ParsedKey {
  const match = /^([a-zA-Z_][a-zA-Z0-9_]*)(?:\{([^{}]+)\})?$/.exec(key);
  if (!match?.[1]) throw new Error(`not a threshold metric: ${key}`);
  const tags: Record<string, string> = {};
  for (const pair of match[2]?.split(',') ?? []) {
    const [tag, value, ...rest] = pair.split(':');
    if (!tag?.trim() || value === undefined || rest.length > 0) throw new Error(`bad tag filter in ${key}`);
    tags[tag.trim()] = value.trim();
  }
  return { metric: match[1], tags };
}

export interface ParsedExpression {
  aggregation: string;
  operator: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  value: number;
}

export function parseExpression(expression: string, type: MetricType): ParsedExpression {
  const match = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expression);
  if (!match?.[1] || !match[2] || !match[3]) throw new Error(`unparseable threshold: ${expression}`);
  if (!aggregationsFor[type].test(match[1])) throw new Error(`${match[1]} is not an aggregation of a ${type}`);
  const percentile = /^p\((.+)\)$/.exec(match[1])?.[1];
  if (percentile !== undefined && (Number(percentile) < 0 || Number(percentile) > 100)) {
    throw new Error(`percentile out of range: ${expression}`);
  }
  return { aggregation: match[1], operator: match[2] as ParsedExpression['operator'], value: Number(match[3]) };
}

/** The threshold's text, whether it is written as a string or as { threshold, abortOnFail }. */
export function expressionOf(threshold: unknown): string {
  if (typeof threshold === 'string') return threshold;
  if (
    threshold &&
    typeof threshold === 'object' &&
    typeof (threshold as { threshold?: unknown }).threshold === 'string'
  ) {
    return (threshold as { threshold: string }).threshold;
  }
  throw new Error(`not a threshold: ${JSON.stringify(threshold)}`);
}

/** k6's percentile: linear interpolation between the closest ranks. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (rank - low);
}

export function aggregate(values: number[], type: MetricType, aggregation: string, elapsedSeconds: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  if (type === 'counter') return aggregation === 'count' ? sum : sum / Math.max(elapsedSeconds, 1e-9);
  if (type === 'rate') return values.length === 0 ? 0 : values.filter((v) => v !== 0).length / values.length;
  if (type === 'gauge') return values.at(-1) ?? 0;
  if (aggregation === 'avg') return values.length === 0 ? 0 : sum / values.length;
  if (aggregation === 'min') return sorted[0] ?? 0;
  if (aggregation === 'max') return sorted.at(-1) ?? 0;
  if (aggregation === 'med') return percentile(sorted, 50);
  return percentile(sorted, Number(/^p\((.+)\)$/.exec(aggregation)?.[1]));
}

export function compare(actual: number, { operator, value }: ParsedExpression): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '!=':
      return actual !== value;
    default:
      return actual === value;
  }
}

export interface EvaluatedThreshold {
  key: string;
  expression: string;
  actual: number;
  ok: boolean;
  samples: number;
}

export function evaluate(
  thresholds: Record<string, unknown[]>,
  samples: Sample[],
  types: Record<string, MetricType>,
  elapsedSeconds: number,
): EvaluatedThreshold[] {
  return Object.entries(thresholds).flatMap(([key, list]) => {
    const { metric, tags } = parseKey(key);
    const type = types[metric];
    if (!type) throw new Error(`threshold on an unknown metric: ${metric}`);
    const values = samples
      .filter((s) => s.metric === metric && Object.entries(tags).every(([tag, value]) => s.tags[tag] === value))
      .map((s) => s.value);
    return list.map((threshold) => {
      const expression = expressionOf(threshold);
      const parsed = parseExpression(expression, type);
      const actual = aggregate(values, type, parsed.aggregation, elapsedSeconds);
      return { key, expression, actual, ok: compare(actual, parsed), samples: values.length };
    });
  });
}
