/**
 * What telemetry adds to every request, in one middleware:
 * - the SERVER span (made by the http instrumentation) is named "METHOD /route/:param" and
 *   gets http.route, Hono's matched template, never the raw path;
 * - the response carries its trace (W3C Trace Context level 2 `traceresponse`) and a
 *   Server-Timing header with the time spent in db, graph, cache and in total.
 * Telemetry never changes what a client sees beyond these headers.
 */
import { trace } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import { serverTimingHeader, serverTimings } from '../telemetry/server-timing.ts';
import type { HonoEnv } from './env.ts';
import { routeTemplate } from './route-template.ts';

export function requestTelemetry() {
  return createMiddleware<HonoEnv>(async function requestTelemetry(c, next) {
    const started = performance.now();
    const span = trace.getActiveSpan();
    const context = span?.spanContext();
    const stopTiming = context ? serverTimings.track(context.traceId) : undefined;
    await next();
    const route = routeTemplate(c) ?? 'unmatched';
    if (span && context) {
      span.updateName(`${c.req.method} ${route}`);
      span.setAttribute('http.route', route);
      c.header('traceresponse', `00-${context.traceId}-${context.spanId}-0${context.traceFlags & 1}`);
    }
    const sums = stopTiming?.() ?? { db: 0, graph: 0, cache: 0 };
    c.header('Server-Timing', serverTimingHeader(sums, performance.now() - started));
  });
}
