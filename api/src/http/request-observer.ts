/**
 * Everything the API notes about a request, in one middleware with one clock and one look-up
 * of the route. When the request is over (in `finally`, so even a failure in the error handler
 * is counted):
 * - the SERVER span (started here, when the request reaches the app: telemetry/server-spans.ts) is
 *   named "METHOD /route/:param" and gets http.route, Hono's matched template, never the raw path,
 *   and the status; a 5xx also gets error.type and an error status;
 * - http_server_request_duration_seconds gets the duration, with the trace as its exemplar so a
 *   latency bucket leads to a trace, and http_server_active_requests goes back down;
 * - the response carries its trace (W3C Trace Context level 2 `traceresponse`) and a
 *   Server-Timing header with the time spent in db, graph, cache (in a traced request) and in total;
 * - one log line: method, route template, status, duration, request id, user.
 * Telemetry never changes what a client sees beyond these headers.
 *
 * @example
 *   app.use(requestId());
 *   app.use(requestObserver({ metrics, logger, serverTimings, serverSpans }));
 */
import { context, type Span } from '@opentelemetry/api';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import { requestLineLogger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { IncomingRequest, ServerSpans } from '../telemetry/server-spans.ts';
import { type ServerTimings, serverTimingHeader, type TimingStep } from '../telemetry/server-timing.ts';
import { unsampledRequestContext } from '../telemetry/tracing.ts';
import type { HonoEnv } from './env.ts';
import { routeTemplate } from './route-template.ts';

/** What one request was, as every signal reports it. */
interface Observed {
  method: string;
  route: string;
  status: number;
  durationMs: number;
  span: Span | undefined;
}

/** The response told which trace it is, and where its time went. */
function traceResponse(c: Context<HonoEnv>, request: Observed, sums?: Record<TimingStep, number>): void {
  const { span } = request;
  if (span) {
    const spanContext = span.spanContext();
    answerHeader(c, 'traceresponse', `00-${spanContext.traceId}-${spanContext.spanId}-0${spanContext.traceFlags & 1}`);
  }
  answerHeader(c, 'Server-Timing', serverTimingHeader(sums, request.durationMs));
}

/**
 * A header on a response the handler has already made. c.header() at this point rebuilds it
 * (new Response(res.body, res)), and reading the body makes @hono/node-server turn its light
 * response into a real one and stream it (its cost: bench/README.md, "Profile"). The
 * answer's own headers take the value as they are; a response whose headers are immutable
 * (Response.redirect, a fetch answer) still goes the long way.
 */
function answerHeader(c: Context<HonoEnv>, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}

/** RED metrics: the duration by method, route template and status, its trace as the exemplar. */
function measureRequest(metrics: RequestMetrics, request: Observed): void {
  // An exemplar only for a trace that is kept (sampled): one not sampled would lead nowhere.
  const spanContext = request.span?.isRecording() ? request.span.spanContext() : undefined;
  metrics.httpDuration.observe({
    labels: {
      http_request_method: request.method,
      http_route: request.route,
      http_response_status_code: String(request.status),
    },
    value: request.durationMs / 1000,
    // prom-client types exemplar labels as the metric's own label names; any names are valid.
    ...(spanContext && { exemplarLabels: { trace_id: spanContext.traceId, span_id: spanContext.spanId } as never }),
  });
}

/** The one log line of a request; the logger adds its trace_id and span_id. */
function logRequest(logger: Logger, c: Context<HonoEnv>, request: Observed): void {
  const level = request.status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const line = {
    requestId: c.get('requestId'),
    method: request.method,
    route: request.route,
    path: c.req.path,
    status: request.status,
    durationMs: Math.round(request.durationMs * 100) / 100,
    userId: c.get('user')?.id,
  };
  logger[level](line, level === 'error' ? 'request failed' : 'request');
}

/** The request as the SERVER span reads it: the node request's own headers when there is one. */
function incomingRequest(c: Context<HonoEnv>): IncomingRequest {
  const url = c.req.url;
  const queryAt = url.indexOf('?');
  const incoming = (
    c.env as { incoming?: { headers: Record<string, string | string[] | undefined>; httpVersion?: string } }
  )?.incoming;
  return {
    method: c.req.method,
    path: c.req.path,
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    // A plain object look-up on node's headers: asking the Request for them would build a Headers object.
    header: incoming
      ? (name) => {
          const value = incoming.headers[name];
          return Array.isArray(value) ? value.join(',') : value;
        }
      : (name) => c.req.header(name),
    protocolVersion: incoming?.httpVersion,
  };
}

/**
 * The SERVER span lasts until the answer has been written to the socket (or the connection
 * closed), as the HTTP semantic conventions time a server request: what the request cost the
 * server, where Server-Timing's `total` is the app's own work (the walkthrough's cache lookup
 * step compares the two). Without a node response (app.request() in tests) it ends at once.
 */
function endWhenAnswered(c: Context<HonoEnv>, end: () => void): void {
  const outgoing = (c.env as { outgoing?: { writableFinished: boolean; once(event: 'close', f: () => void): void } })
    ?.outgoing;
  if (outgoing && !outgoing.writableFinished) outgoing.once('close', end);
  else end();
}

type RequestMetrics = Pick<Metrics, 'httpDuration' | 'activeRequests'>;

interface ObserverDeps {
  metrics: RequestMetrics;
  logger: Logger;
  serverTimings: ServerTimings;
  serverSpans: ServerSpans;
}

export function requestObserver(deps: ObserverDeps) {
  const { serverSpans } = deps;
  const observe = observeWith(deps);
  return createMiddleware<HonoEnv>(function observeRequest(c, next) {
    // The rest of the request, the observer's own ending included (its log line carries the trace
    // id), runs in the SERVER span's context; with tracing off there is none, and a lab path runs
    // with tracing suppressed, without a span.
    const server = serverSpans.start(incomingRequest(c));
    if (!server) return observe(c, next, undefined);
    return context.with(server.context, () => observe(c, next, server.span));
  });
}

function observeWith(deps: ObserverDeps) {
  const { metrics, serverTimings, serverSpans } = deps;
  const logger = requestLineLogger(deps.logger);
  return async function observe(c: Context<HonoEnv>, next: () => Promise<void>, span: Span | undefined) {
    const started = performance.now();
    const method = c.req.method;
    // A request the sampler left out has a span that records nothing: no exemplar, and
    // Server-Timing has its total only (the sums come from the spans).
    const stopTiming = span?.isRecording() ? serverTimings.track(span.spanContext().traceId) : undefined;
    metrics.activeRequests.inc({ http_request_method: method });
    try {
      // Left out by the sampler: the rest of the request runs with tracing off (tracing.ts).
      if (span && !span.isRecording()) await context.with(unsampledRequestContext(context.active()), next);
      else await next();
    } finally {
      metrics.activeRequests.dec({ http_request_method: method });
      const request: Observed = {
        method,
        route: routeTemplate(c) ?? 'unmatched',
        status: c.res.status,
        durationMs: performance.now() - started,
        span,
      };
      traceResponse(c, request, stopTiming?.());
      measureRequest(metrics, request);
      logRequest(logger, c, request);
      if (span) endWhenAnswered(c, () => serverSpans.end(span, request));
    }
  };
}
