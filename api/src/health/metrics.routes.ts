/**
 * GET /metrics: the Prometheus exposition (telemetry/metrics.ts), in OpenMetrics when the scraper
 * asks for it. Public in the lab (its Prometheus scrapes it); METRICS_TOKEN makes scrapers bring a
 * bearer token.
 */
import { Hono } from 'hono';
import { invalidToken } from '../errors/invalid-token.ts';
import type { HonoEnv } from '../http/env.ts';
import type { Metrics } from '../telemetry/metrics.ts';

export function metricsRoutes(deps: {
  metrics: Metrics;
  tokenRequired: boolean;
  isScraper: (authorization: string | undefined) => boolean;
}) {
  return new Hono<HonoEnv>().get('/metrics', async (c) => {
    if (deps.tokenRequired && !deps.isScraper(c.req.header('Authorization'))) {
      throw invalidToken('GET /metrics needs the scrape token: Authorization: Bearer <METRICS_TOKEN>.', {
        realm: 'flowlab-metrics',
      });
    }
    const { contentType, body } = await deps.metrics.expose(c.req.header('Accept'));
    return c.body(body, 200, { 'Content-Type': contentType });
  });
}
