/** One slice of HTTP load: autocannon against one URL, reduced to the figures the bench reports. */
import autocannon from 'autocannon';

export interface Slice {
  /** Requests (or pgbench transactions) a second. */
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Requests (or transactions) completed in the slice. */
  count: number;
  /**
   * The server's CPU time per request in the slice, in µs (all its threads). Other processes
   * taking the CPU move it less than they move throughput: it is the work, not the waiting.
   */
  cpuMicros?: number;
}

export interface HttpLoad {
  url: string;
  headers?: Record<string, string>;
  /** A fresh body for each POST (titles must differ: a duplicate is a 409). */
  body?: () => string;
}

export async function httpSlice(load: HttpLoad, seconds: number, connections: number): Promise<Slice> {
  const result = await autocannon({
    url: load.url,
    headers: load.headers,
    duration: seconds,
    connections,
    ...(load.body && {
      method: 'POST',
      requests: [{ setupRequest: (request) => ({ ...request, body: load.body?.() }) }],
    }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    count: result.requests.total,
  };
}
