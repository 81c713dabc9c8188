/**
 * A read-only client of Jaeger's query API (JAEGER_QUERY_URL), for the lab's trace views. The
 * browser cannot ask Jaeger itself (another origin, no CORS, and natively no UI to go to), so the
 * API asks for it: only the four GET paths below, each with a timeout and a cap on the answer's
 * size, and every failure named as the API's own problem (dependency: jaeger):
 *   Jaeger not reachable -> 503 dependency-unavailable; too slow -> 504 dependency-timeout;
 *   an error status, an answer too large or not JSON -> 502 dependency-failed.
 *
 * It reads the legacy JSON API (/api/services, /api/traces), the one Jaeger's own UI uses: Jaeger
 * v2 still serves it, and unlike /api/v3 its search takes tags, which the lab's search needs.
 */
import { ProblemError } from '../errors/problem.ts';
import type { JaegerTrace } from './jaeger-traces.ts';

export interface JaegerSearch {
  service: string;
  operation?: string;
  tags?: Record<string, string>;
  /** Jaeger's duration strings: 25ms, 1.5s. */
  minDuration?: string;
  maxDuration?: string;
  startMs: number;
  endMs: number;
  limit: number;
}

export interface JaegerQuery {
  services(): Promise<string[]>;
  operations(service: string): Promise<{ name: string; spanKind: string }[]>;
  findTraces(search: JaegerSearch): Promise<JaegerTrace[]>;
  /** Undefined when Jaeger does not have it (or no longer: its store is bounded). */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
}

export interface JaegerQueryOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The largest answer read, in bytes; a search of many big traces is cut off, not buffered. */
  maxBytes: number;
}

const dependency = { dependency: 'jaeger' };

/**
 * Reads a dependency's answer up to `maxBytes`, then stops: a huge answer is refused, not buffered.
 * Shared by the Jaeger and VictoriaLogs clients; `tooLarge` names the problem in the caller's words.
 */
export async function readBounded(response: Response, maxBytes: number, tooLarge: () => ProblemError): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(what: string, maxBytes: number): ProblemError {
  return new ProblemError('dependency-failed', {
    detail: `Jaeger's answer to ${what} is larger than ${Math.round(maxBytes / 1024)} KiB: ask for fewer traces (limit) or a shorter time range.`,
    extensions: dependency,
  });
}

export function createJaegerQuery(options: JaegerQueryOptions): JaegerQuery {
  const base = options.baseUrl.replace(/\/$/, '');

  async function get<T>(path: string, params: Record<string, string> = {}): Promise<T | undefined> {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const what = `GET ${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { Accept: 'application/json' },
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw timedOut
        ? new ProblemError('dependency-timeout', {
            detail: `Jaeger did not answer ${what} within ${options.timeoutMs} ms.`,
            extensions: dependency,
            cause: error,
          })
        : new ProblemError('dependency-unavailable', {
            detail: `Jaeger's query API at ${base} does not answer (is Jaeger running? npm run stack:up starts it).`,
            extensions: dependency,
            headers: { 'Retry-After': '5' },
            cause: error,
          });
    }
    let text: string;
    try {
      text = await readBounded(response, options.maxBytes, () => tooLarge(what, options.maxBytes));
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      throw new ProblemError('dependency-timeout', {
        detail: `Jaeger's answer to ${what} did not arrive within ${options.timeoutMs} ms.`,
        extensions: dependency,
        cause: error,
      });
    }
    if (response.status === 404) return undefined;
    let body: { data?: T; errors?: { msg?: string }[] | null };
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new ProblemError('dependency-failed', {
        detail: `Jaeger answered ${what} with ${response.status} and a body that is not JSON.`,
        extensions: dependency,
        cause: error,
      });
    }
    if (!response.ok) {
      const message = body.errors?.map((e) => e.msg).join('; ') || `status ${response.status}`;
      throw new ProblemError('dependency-failed', {
        detail: `Jaeger refused ${what}: ${message}`,
        extensions: dependency,
      });
    }
    return body.data;
  }

  return {
    async services() {
      return ((await get<string[]>('/api/services')) ?? []).sort();
    },
    async operations(service) {
      return (await get<{ name: string; spanKind: string }[]>('/api/operations', { service })) ?? [];
    },
    async findTraces(search) {
      const params: Record<string, string> = {
        service: search.service,
        // Jaeger's search takes microseconds since the epoch.
        start: String(Math.floor(search.startMs * 1000)),
        end: String(Math.ceil(search.endMs * 1000)),
        limit: String(search.limit),
      };
      if (search.operation) params.operation = search.operation;
      if (search.tags && Object.keys(search.tags).length > 0) params.tags = JSON.stringify(search.tags);
      if (search.minDuration) params.minDuration = search.minDuration;
      if (search.maxDuration) params.maxDuration = search.maxDuration;
      return (await get<JaegerTrace[]>('/api/traces', params)) ?? [];
    },
    async trace(traceId) {
      const data = await get<JaegerTrace[]>(`/api/traces/${encodeURIComponent(traceId)}`);
      return data?.[0];
    },
  };
}
