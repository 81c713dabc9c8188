/**
 * GET /openapi.json: the document the routes' contracts make, with its sections (tags) in the
 * order a learner meets them and the bearer scheme the protected routes name.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Schema } from 'hono';
import { API_VERSION } from '../version.ts';
import type { HonoEnv } from './env.ts';

const openApiTags = [
  { name: 'health', description: 'Liveness and readiness probes' },
  { name: 'auth', description: 'Accounts and bearer tokens' },
  { name: 'todos', description: 'The todo lifecycle, the request journey the lab follows' },
  { name: 'categories', description: 'Your categories, which todos belong to' },
  { name: 'graph', description: 'Questions for Neo4j, fed by the outbox' },
  { name: 'problems', description: 'What each problem `type` means' },
  { name: 'debug', description: "The recent-traces view, Jaeger's traces and the telemetry views the lab pages read" },
  { name: 'admin', description: 'Outbox dead letters and accounts (ADMIN_TOKEN)' },
  { name: 'lab', description: 'Fault switches (LAB_MODE=1 and ADMIN_TOKEN)' },
];

/** Returns the app with GET /openapi.json added, so that the App type carries it too. */
export function serveOpenApiDocument<S extends Schema, B extends string>(
  app: OpenAPIHono<HonoEnv, S, B>,
  options: { labMode: boolean },
) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The accessToken from POST /auth/login',
  });
  return app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Flowlab API',
      version: API_VERSION,
      description:
        'The todo API at the centre of Flowlab, an observability lab. Every error is application/problem+json (RFC 9457); its `type` is a path under /problems that says what it means.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    // Relative: the API is wherever this document was fetched from, on any host or port.
    servers: [{ url: '/', description: 'The server that serves this document' }],
    // The lab's section only where its routes exist.
    tags: openApiTags.filter((tag) => tag.name !== 'lab' || options.labMode),
  });
}
