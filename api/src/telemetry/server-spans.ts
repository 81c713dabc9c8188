/**
 * The SERVER span of each request: the root of the learner's trace, made by the request observer
 * (http/request-observer.ts) when the request reaches the app.
 *
 * Made here rather than by @opentelemetry/instrumentation-http because of what that one costs
 * every request: it wraps the request's and the response's event emitters, parses the URL, and
 * reads fifteen-odd attributes before the app runs; with its span, a cached GET cost about 30 µs
 * of CPU more than with this one (bench/README.md, "Lean"). The span a learner sees is the same:
 * kind SERVER, its parent from the `traceparent` header, the stable HTTP semantic conventions'
 * attributes, named `METHOD /route` once the route is known, an error status on a 5xx.
 * Two attributes are left out on purpose: `client.address` and `user_agent.original` say who
 * is calling (personal data), and the browser's spans are stripped of them too (browser-spans.ts).
 */
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from './attributes.ts';
import { tracer } from './tracing.ts';

/** What the span needs to know of a request, read by the HTTP layer (no HTTP types here). */
export interface IncomingRequest {
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query string without its `?`, or empty. */
  query: string;
  /** A request header by lower-case name. */
  header: (name: string) => string | undefined;
  /** `1.1`, `2`. */
  protocolVersion?: string;
}

/** How the request ended, for the span's last attributes. */
export interface RequestOutcome {
  method: string;
  /** Hono's matched template (`/todos/:id`), never the raw path. */
  route: string;
  status: number;
}

/**
 * Probes, scrapes and the trace viewer itself would drown the learner's own requests. So would
 * the pages of the walkthrough and the web client, the browser spans they send (/otlp/), and
 * CORS preflights: these run with tracing off, no span at all (they keep their metrics and log line).
 */
const UNTRACED_PATH = /^\/(healthz|readyz|metrics|debug\/|otlp\/|learn(\/|$)|app(\/|$))/;

/**
 * url.query keeps only the parameter names for these: a search (?q=) is personal data, a cursor
 * says nothing to a reader. The first four are the ones instrumentation-http redacts by default.
 */
const REDACTED_QUERY = /(^|&)(sig|Signature|AWSAccessKeyId|X-Goog-Signature|q|cursor)=[^&]*/g;

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

const headerGetter: TextMapGetter<IncomingRequest> = {
  get: (request, key) => request.header(key),
  // Only the propagators' own headers are ever asked for by name; nothing iterates them.
  keys: () => [],
};

/** `host:port`, `[::1]:port` or `host`: the semantic conventions' server.address and server.port. */
function serverOf(host: string | undefined): { address?: string; port?: number } {
  if (!host) return {};
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return {};
  return { address: match[1], port: match[2] ? Number(match[2]) : undefined };
}

export class ServerSpans {
  private tracing = false;

  /** Called by the instrumentation module once it has registered a tracer provider. */
  enable(on = true): void {
    this.tracing = on;
  }

  get enabled(): boolean {
    return this.tracing;
  }

  /**
   * Starts a request's SERVER span, and returns it with the context the rest of the request runs
   * in; undefined when tracing is off. A path of the lab's own gets no span, and a context with
   * tracing suppressed (its steps make no spans either: no trace of its own). A span the sampler
   * left out is returned too (it records nothing, but its trace id goes to the log line and the
   * `traceresponse` header).
   */
  start(request: IncomingRequest): { span?: Span; context: Context } | undefined {
    if (!this.tracing) return undefined;
    if (request.method === 'OPTIONS' || UNTRACED_PATH.test(request.path))
      return { context: suppressTracing(context.active()) };
    const parent = propagation.extract(context.active(), request, headerGetter);
    const { address, port } = serverOf(request.header('host'));
    const method = KNOWN_METHODS.has(request.method) ? request.method : '_OTHER';
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          'url.path': request.path,
          'url.scheme': 'http',
          ...(request.query && { 'url.query': request.query.replace(REDACTED_QUERY, '$1$2=REDACTED') }),
          ...(address && { [ATTR_SERVER_ADDRESS]: address }),
          ...(port && { [ATTR_SERVER_PORT]: port }),
          ...(request.protocolVersion && { 'network.protocol.version': request.protocolVersion }),
        },
      },
      parent,
    );
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Names the span for its route, notes the outcome, and ends it. */
  end(span: Span, outcome: RequestOutcome): void {
    span.updateName(`${outcome.method} ${outcome.route}`);
    span.setAttribute(ATTR_HTTP_ROUTE, outcome.route);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
    if (outcome.status >= 500) {
      // The semantic conventions' error.type for a server error with no better class: its status code.
      span.setAttribute(ATTR_ERROR_TYPE, String(outcome.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
}

export const serverSpans = new ServerSpans();
