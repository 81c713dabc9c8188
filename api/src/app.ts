/**
 * createApp(deps): the whole API as a Hono app, built from injected dependencies.
 * No I/O happens here or at import, so tests build it freely against any database.
 *
 * A request passes, in order: request id -> request log -> body limit -> route match ->
 * authentication -> validation -> business rules (service) -> PostgreSQL (repository)
 * -> response; any error on the way leaves through the one problem+json handler.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { authRoutes } from './auth/auth.routes.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { createUsersRepository } from './auth/users.repository.ts';
import { categoryRoutes } from './categories/categories.routes.ts';
import { createCategoryService } from './categories/categories.service.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { healthRoutes } from './health/health.routes.ts';
import { requireUser } from './http/auth.ts';
import type { HonoEnv } from './http/env.ts';
import { createErrorHandler, notFoundHandler } from './http/error-handler.ts';
import { ProblemError } from './http/problem.ts';
import { problemTypeRoutes } from './http/problem-types.routes.ts';
import { requestLog } from './http/request-log.ts';
import { validationHook } from './http/validation.ts';
import { type CreateRateLimiter, createPostgresRateLimiter } from './todos/create-rate-limit.ts';
import { todoRoutes } from './todos/todos.routes.ts';
import { createTodoService } from './todos/todos.service.ts';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Defaults to counting recent creations in PostgreSQL. */
  rateLimiter?: CreateRateLimiter;
}

export const API_VERSION = '0.1.0';

export function createApp(deps: AppDeps) {
  const { config, database, logger } = deps;
  const { db } = database;

  const users = createUsersRepository(db);
  const tokens = createTokenIssuer({
    secret: config.JWT_SECRET,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const auth = createAuthService({ users, tokens, scrypt: { logN: config.PASSWORD_SCRYPT_LOG_N, r: 8, p: 3 } });
  const rateLimiter =
    deps.rateLimiter ??
    createPostgresRateLimiter({
      db,
      limit: config.TODO_CREATE_LIMIT,
      windowSeconds: config.TODO_CREATE_WINDOW_SECONDS,
    });
  const todos = createTodoService({ db, rateLimiter });
  const categories = createCategoryService({ db });
  const authenticate = requireUser({ tokens, users });

  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);

  app.use(requestId({ headerName: 'X-Request-ID' }));
  app.use(requestLog(logger));
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  app.use(
    bodyLimit({
      maxSize: config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new ProblemError('payload-too-large', {
          detail: `The request body is larger than ${config.BODY_LIMIT_BYTES} bytes.`,
        });
      },
    }),
  );

  app.use('/todos/*', authenticate);
  app.use('/categories/*', authenticate);

  app.route('/', healthRoutes({ database }));
  app.route('/', problemTypeRoutes());
  app.route('/auth', authRoutes({ auth, users, requireUser: authenticate }));
  app.route('/todos', todoRoutes({ todos }));
  app.route('/categories', categoryRoutes({ categories }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The accessToken from POST /auth/login',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Flowlab API',
      version: API_VERSION,
      description:
        'The todo API at the centre of Flowlab, an observability lab. Every error is application/problem+json (RFC 9457).',
    },
  });
  app.get('/reference', Scalar({ url: '/openapi.json', pageTitle: 'Flowlab API reference' }));
  app.get('/', (c) =>
    c.json({
      name: 'Flowlab API',
      version: API_VERSION,
      database: database.kind,
      links: { reference: '/reference', openapi: '/openapi.json', health: '/healthz', ready: '/readyz' },
    }),
  );

  return app;
}

export type App = ReturnType<typeof createApp>;
