/**
 * A test-only stand-in for k6's modules (k6, k6/http, k6/metrics, k6/execution, k6/crypto), so the
 * harness can run the real scenario files in Node against a real API. vitest.config.ts maps the `k6`
 * specifiers to these files. What it keeps of k6's semantics: synchronous HTTP (a worker thread does
 * the fetch while this thread waits on Atomics), response headers in Go's canonical case, k6's default
 * "expected response" (200-399) and http.expectedStatuses, `check` returning a boolean and recording
 * each named result, tags on requests, checks and custom metrics, real `sleep`, exec.scenario's
 * iteration numbers, exec.test.abort, and threshold evaluation over what was recorded.
 *
 * What it does NOT emulate: more than one VU at a time (iterations run one after another, in the
 * order the test asks, on one module instance, so VU-local state is shared, and every iteration number,
 * __ITER and exec.vu.iterationInScenario included, counts per scenario, not per VU); executors and
 * their timing (the test chooses how many iterations of which function); abortOnFail (thresholds are
 * evaluated once, at the end); setup data passed through JSON (each VU gets the same object, not a
 * copy); k6's init-context restrictions; gjson selectors beyond dotted paths in res.json(); cookies,
 * http.batch, redirect limits, TLS and connection timings (only duration and waiting are measured);
 * k6's metric sinks and outputs; summary data beyond the metrics the thresholds name; and open().
 */

export interface Tags {
  [name: string]: string;
}

export interface Sample {
  metric: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  value: number;
  tags: Tags;
}

export interface RecordedRequest {
  method: string;
  url: string;
  status: number;
  /** The request's headers as sent (traceparent among them) and the response's, in k6's spelling. */
  requestHeaders: Record<string, string>;
  headers: Record<string, string>;
  durationMs: number;
  /** The first 300 characters of the response body, for a test's failure message. */
  bodyStart: string;
  failed: boolean;
  tags: Tags;
}

export interface RecordedCheck {
  name: string;
  ok: boolean;
  tags: Tags;
}

export interface ShimContext {
  vu: number;
  scenario: string;
  iterationInScenario: number;
  iterationInTest: number;
  iter: number;
}

export interface ShimState {
  samples: Sample[];
  requests: RecordedRequest[];
  checks: RecordedCheck[];
  logs: string[];
  aborted?: string;
  context: ShimContext;
  startedAt: number;
}

function fresh(): ShimState {
  return {
    samples: [],
    requests: [],
    checks: [],
    logs: [],
    context: { vu: 0, scenario: 'setup', iterationInScenario: 0, iterationInTest: 0, iter: 0 },
    startedAt: Date.now(),
  };
}

// On globalThis, so that a module reset between scenario files never splits the record in two.
const holder = globalThis as typeof globalThis & { __k6shim?: ShimState };

export function shimState(): ShimState {
  holder.__k6shim ??= fresh();
  return holder.__k6shim;
}

export function resetShim(): ShimState {
  holder.__k6shim = fresh();
  return holder.__k6shim;
}

/** The tags k6 adds to everything in an iteration. */
export function contextTags(): Tags {
  return { scenario: shimState().context.scenario };
}

export function record(sample: Sample): void {
  shimState().samples.push(sample);
}

/** exec.test.abort() ends the run: the harness stops at this error. */
export class TestAborted extends Error {
  constructor(reason: string) {
    super(`test aborted: ${reason}`);
    this.name = 'TestAborted';
  }
}
