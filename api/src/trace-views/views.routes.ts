/**
 * GET /debug/views: which telemetry views this lab has, for the docs' pages to offer only those.
 * Read at run time, not baked into the docs build: one build serves the embedded lab, the native
 * stack and Docker Compose, whose addresses differ (FLOWLAB_PROMETHEUS_PORT, FLOWLAB_JAEGER_PORT
 * move them when compose starts, long after the image was built).
 * - jaeger.search: the API reads a Jaeger (JAEGER_QUERY_URL), so /debug/jaeger/* answers;
 * - jaeger.ui: Jaeger's own UI, only where it is real (WEB_JAEGER_URL: compose sets it; the native
 *   Jaeger, built from the Go module proxy, serves no UI);
 * - prometheus.ui: where a browser opens Prometheus's graph page (WEB_PROMETHEUS_URL);
 * - logs.victoriaLogs: the API reads VictoriaLogs (VICTORIALOGS_URL), so /debug/logs?source=victorialogs answers.
 */
import { z } from '@hono/zod-openapi';
import { defineRoute } from '../http/access.ts';
import { createRouter, jsonContent } from '../http/openapi.ts';

const viewsRoute = defineRoute('public', {
  method: 'get',
  path: '/views',
  operationId: 'getTelemetryViews',
  tags: ['debug'],
  summary: "The lab's telemetry views: Jaeger search through the API, Jaeger's own UI, Prometheus's graph page",
  responses: {
    200: jsonContent(
      z.object({
        jaeger: z.object({ search: z.boolean(), ui: z.string().nullable() }),
        prometheus: z.object({ ui: z.string() }),
        logs: z.object({ victoriaLogs: z.boolean() }),
      }),
      'The views',
    ),
  },
});

export function viewsRoutes(options: {
  jaegerSearch: boolean;
  jaegerUi?: string;
  prometheusUi: string;
  victoriaLogs?: boolean;
}) {
  const trim = (url: string) => url.replace(/\/$/, '');
  return createRouter().openapi(viewsRoute, (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.json(
      {
        jaeger: { search: options.jaegerSearch, ui: options.jaegerUi ? trim(options.jaegerUi) : null },
        prometheus: { ui: trim(options.prometheusUi) },
        logs: { victoriaLogs: options.victoriaLogs ?? false },
      },
      200,
    );
  });
}
