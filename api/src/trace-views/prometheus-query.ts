/**
 * A read-only client of Prometheus's query API (PROMETHEUS_URL), for the docs' dashboard charts.
 * The browser cannot ask Prometheus itself (another origin, no CORS), so the API asks for it: one
 * GET, /api/v1/query_range, with a timeout (also passed to Prometheus, so it stops evaluating), a
 * cap on the answer's size, no redirect followed, and every failure named as the API's own problem
 * (dependency: prometheus), in the API's words: Prometheus's own error text is never copied out.
 *   not reachable -> 503 dependency-unavailable; too slow -> 504 dependency-timeout;
 *   a query Prometheus cannot run (bad_data, execution) -> 422 validation-failed on `query`;
 *   a redirect, another error, an answer too large or of another shape -> 502 dependency-failed.
 * Exemplars (/api/v1/query_exemplars, which carry trace ids) are not asked for.
 */
import { z } from 'zod';
import { ProblemError } from '../errors/problem.ts';
import { askDependency } from './ask-dependency.ts';

export interface RangeQuery {
  query: string;
  /** Unix seconds. */
  start: number;
  end: number;
  step: number;
}

/** One series of a range query, as Prometheus answers it: [unix seconds, "value"] pairs. */
export interface PrometheusSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface PrometheusQuery {
  queryRange(query: RangeQuery): Promise<PrometheusSeries[]>;
  /** Whether Prometheus answers its readiness check now (GET /-/ready), within a second. */
  ready(): Promise<boolean>;
}

export interface PrometheusQueryOptions {
  baseUrl: string;
  timeoutMs: number;
  maxBytes: number;
}

const dependency = { dependency: 'prometheus' };
/** /debug/views asks on every page load: a Prometheus that hangs must not hold the page up. */
const READY_TIMEOUT_MS = 1000;
const WHAT = 'GET /api/v1/query_range';

// Prometheus's answer envelope (https://prometheus.io/docs/prometheus/latest/querying/api/).
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('matrix'),
      result: z.array(
        z.object({
          metric: z.record(z.string(), z.string()),
          values: z.array(z.tuple([z.number(), z.string()])),
        }),
      ),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string() }),
]);

/** The error types a query itself causes: the learner's to fix, so a 422, not Prometheus failing. */
const QUERY_ERRORS = new Set(['bad_data', 'execution']);

function failed(detail: string, cause?: unknown): ProblemError {
  return new ProblemError('dependency-failed', { detail, extensions: dependency, cause });
}

export function createPrometheusQuery(options: PrometheusQueryOptions): PrometheusQuery {
  const base = options.baseUrl.replace(/\/$/, '');
  const timedOutDetail = `Prometheus did not answer ${WHAT} within ${options.timeoutMs} ms: shorten the range or simplify the query.`;
  const timedOut = (cause: unknown) =>
    new ProblemError('dependency-timeout', { detail: timedOutDetail, extensions: dependency, cause });

  return {
    async ready() {
      try {
        const response = await fetch(`${base}/-/ready`, {
          signal: AbortSignal.timeout(Math.min(options.timeoutMs, READY_TIMEOUT_MS)),
          redirect: 'manual',
        });
        await response.body?.cancel();
        return response.status === 200;
      } catch {
        return false;
      }
    },
    async queryRange({ query, start, end, step }) {
      const url = new URL(`${base}/api/v1/query_range`);
      url.searchParams.set('query', query);
      url.searchParams.set('start', String(start));
      url.searchParams.set('end', String(end));
      url.searchParams.set('step', String(step));
      // Prometheus gives up evaluating too, rather than working on for an answer nobody reads.
      url.searchParams.set('timeout', `${options.timeoutMs / 1000}s`);
      const { status, text } = await askDependency({
        url,
        headers: { Accept: 'application/json' },
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
        dependency: 'prometheus',
        unavailable: `Prometheus at ${base} does not answer: is it running? bash scripts/services.sh up prometheus starts it.`,
        timedOut: timedOutDetail,
        tooLarge: `Prometheus's answer is larger than ${Math.round(options.maxBytes / 1024)} KiB: aggregate the query (sum by …) or shorten its range.`,
      });
      if (status >= 300 && status < 400) {
        throw failed(`Prometheus answered ${WHAT} with a redirect (${status}), which the API does not follow.`);
      }
      let answer: z.infer<typeof answerSchema>;
      try {
        answer = answerSchema.parse(JSON.parse(text));
      } catch (error) {
        throw failed(`Prometheus answered ${WHAT} with ${status} and a body that is not its query API's.`, error);
      }
      if (answer.status === 'error') {
        if (answer.errorType === 'timeout') throw timedOut(undefined);
        if (QUERY_ERRORS.has(answer.errorType))
          throw new ProblemError('validation-failed', {
            detail: `Prometheus cannot run this query (${answer.errorType}): open it in Prometheus's graph page to see why.`,
            errors: [{ path: 'query.query', message: `Prometheus refused it (${answer.errorType})` }],
            extensions: dependency,
          });
        throw failed(`Prometheus refused ${WHAT} with ${status}.`);
      }
      if (status < 200 || status >= 300) throw failed(`Prometheus answered ${WHAT} with ${status}.`);
      return answer.data.result;
    },
  };
}
