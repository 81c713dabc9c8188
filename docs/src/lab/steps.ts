/**
 * What each step page's Run it panel sends, in one list: the build renders it as the curl command
 * (what a reader without JavaScript runs), the browser sends it for real with a traceparent of its
 * own, so the page knows the trace id before the answer arrives. `span` is the step's span under
 * the name the API gives it (the README's request-path diagram uses the same words).
 */
export interface LabRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** A JSON body; `{n}` in a string (or the path) becomes a fresh number, so titles never collide. */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Requests sent first (a read that fills the cache); traced and drawn too when the step compares. */
  before?: LabRequest[];
  /** Whether the request carries the learner's token. */
  auth?: boolean;
}

export interface StepRun {
  /** The span the panel highlights. */
  span: string;
  request: LabRequest;
  /** Response headers worth showing on this page. */
  headers: string[];
  /** Traced from the page: a click span and a fetch span of the browser's own, above the SERVER span. */
  fromBrowser?: boolean;
  /** Compare two requests: `before` is traced too, and both waterfalls are drawn on one time axis. */
  compare?: [string, string];
}

const create = (title: string): LabRequest => ({
  method: 'POST',
  path: '/todos',
  auth: true,
  body: { title: `${title} {n}` },
});

const common = ['traceresponse', 'x-request-id', 'server-timing'];

const runs = {
  // The concepts page's first trace: a create sent as the todo app sends it, from the click.
  concepts: { span: 'POST /todos', request: create('My first trace'), headers: common, fromBrowser: true },
  'click-and-fetch': { span: 'POST', request: create('Follow the click'), headers: common, fromBrowser: true },
  'request-id': {
    span: 'POST /todos',
    request: { ...create('Name the request'), headers: { 'X-Request-ID': 'learn-request-{n}' } },
    headers: ['x-request-id', 'traceresponse'],
  },
  authenticate: {
    span: 'authenticate',
    request: { method: 'GET', path: '/todos?limit=5', auth: true },
    headers: common,
  },
  'validate-request': { span: 'validate request', request: create('Validate me'), headers: common },
  'rate-limit': {
    span: 'rate limit decision',
    request: create('Count me'),
    headers: ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'traceresponse'],
  },
  'cache-lookup': {
    span: 'cache lookup',
    // A search never asked for before ({n}): the first read misses, the same read again hits.
    request: {
      method: 'GET',
      path: '/todos?limit=5&q=cache-demo-{n}',
      auth: true,
      before: [{ method: 'GET', path: '/todos?limit=5&q=cache-demo-{n}', auth: true }],
    },
    headers: ['x-cache', 'server-timing', 'traceresponse'],
    compare: ['the first read: a miss', 'the same read again: a hit'],
  },
  'duplicate-check': { span: 'duplicate check', request: create('Only once'), headers: ['location', 'traceresponse'] },
  'outbox-write': { span: 'outbox write', request: create('Tell the graph'), headers: common },
  'graph-write': { span: 'graph write', request: create('Into the graph'), headers: common },
  response: { span: 'POST /todos', request: create('Answer me'), headers: ['location', ...common] },
  worker: { span: 'graph write', request: create('Later, in the worker'), headers: common },
} satisfies Record<string, StepRun>;

export type StepName = keyof typeof runs;
export const stepRuns: Record<StepName, StepRun> = runs;

/** The curl command a reader runs by hand; `$API` and `$TOKEN` come from their shell. */
export function curlCommand(request: LabRequest, extra: { traceparent?: string } = {}): string {
  const lines = [`curl -i -X ${request.method} "$API${request.path.replaceAll('{n}', '1')}"`];
  if (request.auth) lines.push(`-H "Authorization: Bearer $TOKEN"`);
  for (const [name, value] of Object.entries(request.headers ?? {}))
    lines.push(`-H '${name}: ${value.replace('{n}', '1')}'`);
  if (extra.traceparent) lines.push(`-H 'traceparent: ${extra.traceparent}'`);
  if (request.body) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`-d '${JSON.stringify(request.body).replaceAll('{n}', '1')}'`);
  }
  return lines.join(' \\\n  ');
}
