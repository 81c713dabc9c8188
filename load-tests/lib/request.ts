/**
 * One request of a run: tagged with its lab step (so summaries and dashboards split by step) and its
 * route template (so the `name` tag, a Prometheus label, stays bounded), carrying its own traceparent,
 * and printing its trace id when it is slower than the step's p99 objective.
 */
import http, { type RefinedResponse } from 'k6/http';
import { API_URL } from './config.ts';
import { type Step, slowAfterMs } from './slo.ts';
import { newTraceContext } from './trace.ts';

export type Response = RefinedResponse<'text'>;

export interface Call {
  step: Step | 'admin';
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path sent, e.g. /todos/42. */
  path: string;
  /** The route template, e.g. /todos/:id, for the `name` tag. */
  route?: string;
  body?: unknown;
  token?: string;
  /** Statuses that are not failures for http_req_failed (default: k6's 200-399). */
  expected?: number[];
}

export interface Sent {
  res: Response;
  traceId: string;
}

export function send(call: Call): Sent {
  const { traceId, traceparent } = newTraceContext();
  const headers: Record<string, string> = { traceparent };
  if (call.token) headers.Authorization = `Bearer ${call.token}`;
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = http.request(
    call.method,
    `${API_URL}${call.path}`,
    call.body === undefined ? null : JSON.stringify(call.body),
    {
      headers,
      tags: { step: call.step, name: `${call.method} ${call.route ?? call.path}` },
      ...(call.expected && { responseCallback: http.expectedStatuses(...call.expected) }),
    },
  ) as Response;
  const limit = call.step === 'admin' ? 1000 : slowAfterMs(call.step);
  if (res.timings.duration > limit) {
    console.warn(
      `slow ${call.step}: ${call.method} ${call.path} took ${Math.round(res.timings.duration)} ms ` +
        `(over ${limit} ms), status ${res.status}, trace ${traceId}`,
    );
  }
  return { res, traceId };
}

/** A response header by name, whatever its case (k6 gives Go's canonical form: Ratelimit-Remaining). */
export function header(res: Response, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(res.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The body as JSON, or undefined when it is not JSON (a check then fails rather than the iteration). */
export function bodyJson<T>(res: Response): T | undefined {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return undefined;
  }
}
