/**
 * The shim's `k6/http`: synchronous requests with k6's tags, default expected statuses (200-399) and
 * response shape. See state.ts for what the shim does not emulate.
 */

import { contextTags, record, shimState, type Tags } from './state.ts';
import { syncFetch } from './sync-fetch.ts';

type ExpectedStatuses = { kind: 'expectedStatuses'; accepts(status: number): boolean };

export function expectedStatuses(...statuses: (number | { min: number; max: number })[]): ExpectedStatuses {
  return {
    kind: 'expectedStatuses',
    accepts: (status) =>
      statuses.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max)),
  };
}

let defaultCallback = expectedStatuses({ min: 200, max: 399 });

export function setResponseCallback(callback: ExpectedStatuses): void {
  defaultCallback = callback;
}

/** Go's textproto.CanonicalMIMEHeaderKey, which is how k6 spells header names: Ratelimit-Remaining. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

interface Params {
  headers?: Record<string, string>;
  tags?: Tags;
  responseCallback?: ExpectedStatuses;
  timeout?: string | number;
}

function timeoutMs(timeout: Params['timeout']): number {
  if (typeof timeout === 'number') return timeout;
  const match = /^(\d+)(ms|s|m)$/.exec(timeout ?? '60s');
  if (!match) return 60_000;
  return Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[match[2] as 'ms' | 's' | 'm'];
}

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function request(method: string, url: string, body?: string | null, params: Params = {}) {
  const answer = syncFetch({
    method,
    url,
    headers: params.headers ?? {},
    body: body ?? null,
    timeoutMs: timeoutMs(params.timeout),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of answer.headers) headers[canonicalHeader(name)] = value;
  const expected = (params.responseCallback ?? defaultCallback).accepts(answer.status);
  const tags: Tags = {
    ...contextTags(),
    name: url,
    method,
    status: String(answer.status),
    expected_response: String(expected),
    ...params.tags,
  };
  shimState().requests.push({
    method,
    url,
    status: answer.status,
    requestHeaders: params.headers ?? {},
    headers,
    durationMs: answer.durationMs,
    bodyStart: answer.body.slice(0, 300),
    failed: !expected,
    tags,
  });
  record({ metric: 'http_reqs', type: 'counter', value: 1, tags });
  record({ metric: 'http_req_failed', type: 'rate', value: expected ? 0 : 1, tags });
  record({ metric: 'http_req_duration', type: 'trend', value: answer.durationMs, tags });
  return {
    status: answer.status,
    body: answer.body,
    headers,
    url,
    error: answer.error ?? '',
    error_code: answer.error ? 1000 : 0,
    timings: { duration: answer.durationMs, waiting: answer.waitingMs },
    request: { method, url, headers: params.headers ?? {}, body: body ?? '' },
    json(selector?: string): unknown {
      const parsed = JSON.parse(answer.body);
      return selector ? pick(parsed, selector) : parsed;
    },
  };
}

export const get = (url: string, params?: Params) => request('GET', url, null, params);
export const post = (url: string, body?: string | null, params?: Params) => request('POST', url, body, params);
export const put = (url: string, body?: string | null, params?: Params) => request('PUT', url, body, params);
export const patch = (url: string, body?: string | null, params?: Params) => request('PATCH', url, body, params);
export const del = (url: string, body?: string | null, params?: Params) => request('DELETE', url, body, params);

export default { request, get, post, put, patch, del, expectedStatuses, setResponseCallback };
