/**
 * One request's trace, counted: its spans by name, and its round trips (the pg and ioredis
 * CLIENT spans). Read from the server's own recent-traces store, so it needs telemetry on.
 */
import { fetchTrace, flatten, isPostgresSpan, isRedisSpan, newTraceparent } from '../../test/helpers/traces.ts';
import type { HttpLoad } from './load.ts';

export interface Census {
  status: number;
  cache?: string;
  spans: number;
  postgres: string[];
  redis: string[];
  names: string[];
}

/** With `expectCache`, asks again (up to 20 times) until X-Cache says so: a late write may have bumped the version. */
export async function traceCensus(base: string, load: HttpLoad, expectCache?: 'hit'): Promise<Census> {
  for (let attempt = 1; ; attempt++) {
    const census = await censusOnce(base, load);
    if (!expectCache || census.cache === expectCache || attempt === 20) return census;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function censusOnce(base: string, load: HttpLoad): Promise<Census> {
  const { traceparent, traceId } = newTraceparent();
  const response = await fetch(load.url, {
    method: load.body ? 'POST' : 'GET',
    headers: { ...load.headers, traceparent },
    body: load.body?.(),
  });
  await response.arrayBuffer();
  // A user's trace is theirs: it is read with the token the request carried.
  const token = load.headers?.Authorization?.replace(/^Bearer /, '');
  const spans = flatten(await fetchTrace(base, traceId, { minSpans: 2, token }));
  const statement = (s: (typeof spans)[number]) =>
    String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? s.name).slice(0, 90);
  return {
    status: response.status,
    cache: response.headers.get('x-cache') ?? undefined,
    spans: spans.length,
    postgres: spans.filter(isPostgresSpan).map(statement),
    redis: spans.filter(isRedisSpan).map(statement),
    names: spans.map((s) => s.name),
  };
}

export function censusLines(label: string, census: Census): string[] {
  return [
    `  ${label}: ${census.status}${census.cache ? ` X-Cache ${census.cache}` : ''}, ${census.spans} spans, ` +
      `${census.postgres.length} PostgreSQL and ${census.redis.length} Redis round trips`,
    `    spans: ${census.names.join(' | ')}`,
    ...census.postgres.map((q) => `    pg: ${q}`),
    ...census.redis.map((q) => `    redis: ${q}`),
  ];
}
