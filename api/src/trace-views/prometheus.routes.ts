/**
 * GET /debug/prometheus/query_range: one PromQL query over a time range, read from Prometheus
 * through the API, for the docs' dashboard charts (/learn/dashboards/*). Bounded before Prometheus
 * is asked (a query of at most 2000 characters, a range of at most 2 days, the retention, and at
 * most 1000 points a series), and after: at most 50 series are returned, `seriesTotal` says how many
 * there were. The answer is aligned for a chart: one list of timestamps, each series' values on it
 * (null where Prometheus has no value, or one JSON cannot carry: NaN, ±Inf).
 *
 * Who may ask: metrics are aggregates (no user's data; the exemplars, which carry trace ids, are
 * not served), the same numbers GET /metrics publishes. So the route is open where /metrics is open
 * and the lab is not in production; with METRICS_TOKEN set, or NODE_ENV=production, it takes the
 * admin token or the metrics token. PromQL reaches every series in that Prometheus, which in
 * production may be other services' too.
 */
import { z } from '@hono/zod-openapi';
import { invalidToken } from '../errors/invalid-token.ts';
import { type FieldError, ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import { createRouter, jsonContent, problemResponses } from '../http/openapi.ts';
import { untraced } from '../telemetry/tracing.ts';
import type { PrometheusQuery, PrometheusSeries } from './prometheus-query.ts';

export const MAX_QUERY_LENGTH = 2000;
export const MAX_RANGE_SECONDS = 2 * 86_400;
export const MAX_POINTS = 1000;
export const MAX_SERIES = 50;

const prometheusProblems = ['dependency-failed', 'dependency-unavailable', 'dependency-timeout'] as const;
const SECONDS = /^\d{1,10}(\.\d{1,3})?$/;

const rangeQuery = z.object({
  query: z
    .string()
    .min(1)
    .max(MAX_QUERY_LENGTH)
    .openapi({
      param: { name: 'query', in: 'query' },
      example: 'sum by (http_route) (rate(http_server_request_duration_seconds_count[20s]))',
    }),
  start: z
    .string()
    .regex(SECONDS, 'must be Unix seconds, such as 1767225600 or 1767225600.5')
    .openapi({ param: { name: 'start', in: 'query' }, example: '1767225600' }),
  end: z
    .string()
    .regex(SECONDS, 'must be Unix seconds, such as 1767226500')
    .openapi({ param: { name: 'end', in: 'query' }, example: '1767226500' }),
  step: z
    .string()
    .regex(/^[1-9]\d{0,4}(\.\d{1,3})?$/, 'must be seconds between points, 1 or more, such as 5')
    .openapi({ param: { name: 'step', in: 'query' }, example: '5' }),
});

/** The bounds a schema cannot state, between parameters: a 422 naming the one to change. */
function rangeErrors(start: number, end: number, step: number): FieldError[] {
  if (end < start) return [{ path: 'query.end', message: 'must not be before start' }];
  if (end - start > MAX_RANGE_SECONDS)
    return [{ path: 'query.end', message: `must be at most ${MAX_RANGE_SECONDS} s after start` }];
  if (Math.floor((end - start) / step) + 1 > MAX_POINTS)
    return [
      {
        path: 'query.step',
        message: `gives more than ${MAX_POINTS} points over this range: make it at least ${Math.ceil((end - start) / (MAX_POINTS - 1))}`,
      },
    ];
  return [];
}

const answerSchema = z.object({
  query: z.string(),
  start: z.number(),
  end: z.number(),
  step: z.number(),
  timestamps: z.array(z.number()).openapi({ description: 'Unix seconds: start, start + step, … up to end' }),
  series: z.array(
    z.object({
      labels: z.record(z.string(), z.string()),
      values: z.array(z.number().nullable()).openapi({ description: 'One per timestamp; null where there is none' }),
    }),
  ),
  seriesTotal: z
    .number()
    .int()
    .openapi({ description: `How many series Prometheus answered; at most ${MAX_SERIES} are returned` }),
});

// Checked in the handler, as GET /metrics is (health/metrics.routes.ts): open in the lab, a token
// where the metrics are private, a rule the access rules (http/access.ts) do not have.
const queryRangeRoute = defineRoute('public', {
  method: 'get',
  path: '/prometheus/query_range',
  operationId: 'queryPrometheusRange',
  tags: ['debug'],
  summary:
    "One PromQL query over a time range, from the lab's Prometheus, as series aligned on one list of timestamps (the docs' dashboard charts)",
  request: { query: rangeQuery },
  responses: {
    200: jsonContent(answerSchema, 'The series'),
    ...problemResponses('invalid-token', 'validation-failed', ...prometheusProblems),
  },
});

/** Prometheus's [time, "value"] pairs placed on the query's own grid of timestamps. */
export function alignSeries(series: PrometheusSeries, start: number, step: number, points: number) {
  const values: (number | null)[] = new Array(points).fill(null);
  for (const [time, text] of series.values) {
    const at = Math.round((time - start) / step);
    const value = Number(text);
    if (at >= 0 && at < points && Number.isFinite(value)) values[at] = value;
  }
  return { labels: series.metric, values };
}

export interface PrometheusRoutesOptions {
  /** Undefined when PROMETHEUS_URL is not set. */
  prometheus?: PrometheusQuery;
  /** True where anyone may ask (development, /metrics public); else a token must pass isReader. */
  open: boolean;
  isReader: (authorization: string | undefined) => boolean;
}

export function prometheusRoutes(options: PrometheusRoutesOptions) {
  return createRouter().openapi(queryRangeRoute, async (c) => {
    const authorization = c.req.header('Authorization');
    if (!options.open && !options.isReader(authorization))
      throw invalidToken(
        'This API keeps its metrics private: send the admin token or METRICS_TOKEN as a bearer token.',
        {
          realm: 'flowlab-metrics',
          ...(authorization ? { error: 'invalid_token' as const } : {}),
        },
      );
    if (!options.prometheus)
      throw new ProblemError('dependency-unavailable', {
        detail:
          'No Prometheus is configured: start the API with PROMETHEUS_URL set to Prometheus’s address (natively http://127.0.0.1:9090, the development default).',
        extensions: { dependency: 'prometheus' },
      });
    const prometheus = options.prometheus;
    const raw = c.req.valid('query');
    const [start, end, step] = [Number(raw.start), Number(raw.end), Number(raw.step)];
    const errors = rangeErrors(start, end, step);
    if (errors.length > 0) throw new ProblemError('validation-failed', { errors });
    // The chart's own questions would otherwise be spans, a trace per panel every refresh.
    const found = await untraced(() => prometheus.queryRange({ query: raw.query, start, end, step }));
    const points = Math.floor((end - start) / step) + 1;
    const timestamps = Array.from({ length: points }, (_, i) => Math.round((start + i * step) * 1000) / 1000);
    const series = found.slice(0, MAX_SERIES).map((s) => alignSeries(s, start, step, points));
    return c.json({ query: raw.query, start, end, step, timestamps, series, seriesTotal: found.length }, 200);
  });
}
