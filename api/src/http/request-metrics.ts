/**
 * RED metrics for every request: requests in flight, and the duration histogram by method,
 * route template and status, with the trace as an exemplar so a latency bucket leads to a trace.
 */
import { trace } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import type { Metrics } from '../telemetry/metrics.ts';
import type { HonoEnv } from './env.ts';
import { routeTemplate } from './route-template.ts';

export function requestMetrics(metrics: Metrics) {
  return createMiddleware<HonoEnv>(async function requestMetrics(c, next) {
    const started = performance.now();
    const method = c.req.method;
    metrics.activeRequests.inc({ http_request_method: method });
    try {
      await next();
    } finally {
      metrics.activeRequests.dec({ http_request_method: method });
      const context = trace.getActiveSpan()?.spanContext();
      metrics.httpDuration.observe({
        labels: {
          http_request_method: method,
          http_route: routeTemplate(c) ?? 'unmatched',
          http_response_status_code: String(c.res.status),
        },
        value: (performance.now() - started) / 1000,
        // prom-client types exemplar labels as the metric's own label names; any names are valid.
        ...(context && { exemplarLabels: { trace_id: context.traceId, span_id: context.spanId } as never }),
      });
    }
  });
}
