/**
 * A read-only client of VictoriaLogs' LogsQL API (VICTORIALOGS_URL), for the lab's log search once
 * a line has left the API's recent-logs store. The same contract as the Jaeger client
 * (jaeger-query.ts): one GET path, a timeout, a cap on the answer's size, and every failure named
 * as the API's own problem (dependency: victorialogs):
 *   not reachable -> 503 dependency-unavailable; too slow -> 504 dependency-timeout;
 *   an error status, an answer too large or not JSON lines -> 502 dependency-failed.
 *
 * How the collector's log records look there (VictoriaLogs' OTLP ingestion): the message in
 * `_msg`, `severity_text` (info, error...) and `severity_number`, `trace_id` and `span_id`, each
 * pino field as a field of its own (route, status, requestId, userId; nested ones flattened with
 * dots: err.message), the resource attributes (service.name, host.*, process.*) as the log stream,
 * and every value as text.
 */
import { ProblemError } from '../errors/problem.ts';
import type { StoredLog } from '../telemetry/recent-logs.ts';
import { askDependency } from './ask-dependency.ts';

export interface VictoriaLogsSearch {
  /** The lowest severity shown: info, warn or error. */
  level?: 'info' | 'warn' | 'error';
  route?: string;
  status?: number;
  text?: string;
  traceId?: string;
  /** Only the lines of traces that this user authenticated in (their request line says userId). */
  ownerId?: number;
  startMs: number;
  endMs: number;
  limit: number;
}

export interface VictoriaLogsQuery {
  search(search: VictoriaLogsSearch): Promise<StoredLog[]>;
}

export interface VictoriaLogsQueryOptions {
  baseUrl: string;
  timeoutMs: number;
  maxBytes: number;
}

const dependency = { dependency: 'victorialogs' };

/** OpenTelemetry's severity numbers: a level and everything above it. */
const SEVERITY_NUMBER = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;

/** A LogsQL string literal: JSON's quoting is LogsQL's. */
const quoted = (value: string) => JSON.stringify(value);

/** The LogsQL query of a search: every filter ANDed, newest first. */
export function logsQl(search: VictoriaLogsSearch): string {
  const filters: string[] = [];
  if (search.traceId) filters.push(`trace_id:=${quoted(search.traceId)}`);
  if (search.route) filters.push(`route:=${quoted(search.route)}`);
  if (search.status !== undefined) filters.push(`status:=${search.status}`);
  if (search.level) filters.push(`severity_number:>=${SEVERITY_NUMBER[search.level]}`);
  if (search.text) filters.push(`_msg:i(${quoted(search.text)})`);
  // A user's own lines: those of the traces whose request line carries their user id.
  if (search.ownerId !== undefined) filters.push(`trace_id:in(userId:=${search.ownerId} | fields trace_id)`);
  return `${filters.join(' ') || '*'} | sort by (_time desc) limit ${search.limit}`;
}

/** The fields VictoriaLogs adds or that the line's own shape already carries. */
const OWN_FIELDS = new Set([
  '_time',
  '_msg',
  '_stream',
  '_stream_id',
  'severity_text',
  'severity_number',
  'trace_id',
  'span_id',
  'name',
]);
/** The resource's and the instrumentation scope's attributes: the same on every line of a process. */
const RESOURCE_PREFIXES = ['service.', 'telemetry.', 'host.', 'process.', 'deployment.', 'scope.'];

function toLine(row: Record<string, string>): StoredLog {
  const level = (row.severity_text ?? 'info').toLowerCase();
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (OWN_FIELDS.has(key) || RESOURCE_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    // VictoriaLogs keeps every value as text; numbers are shown as numbers again.
    fields[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return {
    time: Date.parse(row._time ?? ''),
    level,
    severity: Number(row.severity_number) || 9,
    message: row._msg ?? '',
    ...(row.trace_id && { traceId: row.trace_id }),
    ...(row.span_id && { spanId: row.span_id }),
    fields,
  };
}

export function createVictoriaLogsQuery(options: VictoriaLogsQueryOptions): VictoriaLogsQuery {
  const base = options.baseUrl.replace(/\/$/, '');
  const what = 'GET /select/logsql/query';

  return {
    async search(search) {
      const url = new URL(`${base}/select/logsql/query`);
      url.searchParams.set('query', logsQl(search));
      url.searchParams.set('start', new Date(search.startMs).toISOString());
      url.searchParams.set('end', new Date(search.endMs).toISOString());
      const { status, text } = await askDependency({
        url,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
        dependency: 'victorialogs',
        unavailable: `VictoriaLogs at ${base} does not answer (is it running? npm run stack:up starts it).`,
        timedOut: `VictoriaLogs did not answer ${what} within ${options.timeoutMs} ms.`,
        tooLarge: `VictoriaLogs' answer to ${what} is larger than ${Math.round(options.maxBytes / 1024)} KiB: ask for fewer lines (limit) or a shorter time range.`,
      });
      if (status < 200 || status >= 300) {
        throw new ProblemError('dependency-failed', {
          detail: `VictoriaLogs refused ${what} with ${status}: ${text.slice(0, 300)}`,
          extensions: dependency,
        });
      }
      // JSON lines, one log line each.
      try {
        return text
          .split('\n')
          .filter((row) => row.trim() !== '')
          .map((row) => toLine(JSON.parse(row)));
      } catch (error) {
        throw new ProblemError('dependency-failed', {
          detail: `VictoriaLogs answered ${what} with lines that are not JSON.`,
          extensions: dependency,
          cause: error,
        });
      }
    },
  };
}
