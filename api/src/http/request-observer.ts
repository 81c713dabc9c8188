/**
 * Everything the API notes about a request, in one middleware with one clock and one look-up
 * of the route. When the request is over (in `finally`, so even a failure in the error handler
 * is counted):
 * - the SERVER span (made by the http instrumentation) is named "METHOD /route/:param" and gets
 *   http.route, Hono's matched template, never the raw path; a 5xx also gets error.type;
 * - http_server_request_duration_seconds gets the duration, with the trace as its exemplar so a
 *   latency bucket leads to a trace, and http_server_active_requests goes back down;
 * - the response carries its trace (W3C Trace Context level 2 `traceresponse`) and a
 *   Server-Timing header with the time spent in db, graph, cache (in a traced request) and in total;
 * - one log line: method, route template, status, duration, request id, user.
 * Telemetry never changes what a client sees beyond these headers.
 *
 * @example
 *   app.use(requestId());
 *   app.use(requestObserver({ metrics, logger, serverTimings }));
 */
import { context, type Span, trace } from '@opentelemetry/api';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import { ATTR_ERROR_TYPE, ATTR_HTTP_ROUTE } from '../telemetry/attributes.ts';
import { requestLineLogger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
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

/** The trace: the SERVER span named for the route, and the response told which trace it is. */
function traceResponse(c: Context<HonoEnv>, request: Observed, sums?: Record<TimingStep, number>): void {
  const { span } = request;
  if (span) {
    const spanContext = span.spanContext();
    span.updateName(`${request.method} ${request.route}`);
    span.setAttribute(ATTR_HTTP_ROUTE, request.route);
    // The semantic conventions' error.type for a server error with no better class: its status code.
    if (request.status >= 500) span.setAttribute(ATTR_ERROR_TYPE, String(request.status));
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

type RequestMetrics = Pick<Metrics, 'httpDuration' | 'activeRequests'>;

export function requestObserver(deps: { metrics: RequestMetrics; logger: Logger; serverTimings: ServerTimings }) {
  const { metrics, serverTimings } = deps;
  const logger = requestLineLogger(deps.logger);
  return createMiddleware<HonoEnv>(async function observeRequest(c, next) {
    const started = performance.now();
    const method = c.req.method;
    // With telemetry off there is no span, and a request the sampler left out has one that records
    // nothing: no exemplar, and Server-Timing has its total only (the sums come from the spans).
    const span = trace.getActiveSpan();
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
    }
  });
}
