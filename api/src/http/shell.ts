/**
 * The HTTP shell every request passes through before a route: CORS, the request id, the request
 * observer (span name, metrics, log, Server-Timing), security headers, the body limit, and the one
 * problem+json answer for errors, unknown paths and wrong methods. Routes come after (app.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { ProblemError } from '../errors/problem.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { ServerSpans } from '../telemetry/server-spans.ts';
import type { ServerTimings } from '../telemetry/server-timing.ts';
import { crossOrigin } from './cors.ts';
import type { HonoEnv } from './env.ts';
import { createErrorHandler } from './error-handler.ts';
import { methodAwareNotFound } from './method-not-allowed.ts';
import { requestObserver } from './request-observer.ts';
import { strictTransportOverTls } from './strict-transport.ts';
import { validationHook } from './validation.ts';

export function createShell(deps: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  serverTimings: ServerTimings;
  serverSpans: ServerSpans;
}) {
  const { config, logger, metrics, serverTimings, serverSpans } = deps;
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(logger));
  app.notFound(methodAwareNotFound(app.routes));

  app.use(crossOrigin({ origins: config.CORS_ORIGINS ?? [] }));
  app.use(requestId({ headerName: 'X-Request-ID' }));
  app.use(requestObserver({ metrics, logger, serverTimings, serverSpans }));
  // HSTS only over TLS: the API itself speaks plain HTTP, so TLS means a trusted proxy that says https.
  app.use(secureHeaders({ crossOriginResourcePolicy: false, strictTransportSecurity: false }));
  app.use(strictTransportOverTls({ trustProxy: config.TRUST_PROXY }));
  const limitBody = bodyLimit({
    maxSize: config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new ProblemError('payload-too-large', {
        detail: `The request body is larger than ${config.BODY_LIMIT_BYTES} bytes.`,
        // The rest of the body is never read, so the connection cannot carry another request: say so.
        headers: { Connection: 'close' },
      });
    },
  });
  // A GET or HEAD has no body to limit, and asking for one (c.req.raw.body) makes the node server
  // build a full Request for it: a share of a cached GET's CPU worth avoiding (bench/README.md, "Profile").
  app.use(async function limitRequestBody(c, next) {
    return c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next);
  });
  return app;
}
