/**
 * GET /app/config.json: the web client's runtime config, so one build of web/ works embedded,
 * natively and in Docker. It says where the browser's spans go and which trace views exist:
 * - a collector configured (OTEL_EXPORTER_OTLP_ENDPOINT): OTLP/HTTP to WEB_OTLP_ENDPOINT (default
 *   the same address, right when the browser and the API share a host), and a link to Jaeger's
 *   UI when WEB_JAEGER_URL says where it is;
 * - otherwise, with the lab's receiver on: POST /otlp/v1/traces on this API;
 * - otherwise (production): nowhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { HonoEnv } from '../http/env.ts';

export interface WebConfigOptions {
  collectorEndpoint?: string;
  browserCollectorEndpoint?: string;
  jaegerUrl?: string;
  /** Whether this API's own receiver takes browser spans (lab, recent traces on). */
  receiverEnabled: () => boolean;
  /** The docs build's folder: its trace viewer is linked when it exists. */
  docsRoot: string;
}

export function webConfigRoutes(options: WebConfigOptions) {
  return new Hono<HonoEnv>().get('/app/config.json', (c) => {
    const collector = options.browserCollectorEndpoint ?? options.collectorEndpoint;
    const exportUrl = collector
      ? `${collector.replace(/\/$/, '')}/v1/traces`
      : options.receiverEnabled()
        ? '/otlp/v1/traces'
        : null;
    // Jaeger's own UI only where there is one (WEB_JAEGER_URL: Docker Compose sets it); the native
    // Jaeger, built from the Go module proxy, has none, and the docs' trace view shows its traces.
    const jaeger = collector ? options.jaegerUrl : undefined;
    const docs = existsSync(join(options.docsRoot, 'traces', 'index.html')) ? '/learn/traces/?id={traceId}' : undefined;
    c.header('Cache-Control', 'no-cache');
    return c.json({
      apiBase: '',
      traces: {
        exportUrl,
        views: {
          debug: '/debug/traces/{traceId}',
          ...(docs && { docs }),
          ...(jaeger && { jaeger: `${jaeger.replace(/\/$/, '')}/trace/{traceId}` }),
        },
      },
    });
  });
}
