/** POST /auth/register, POST /auth/login, GET /auth/me. */
import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../http/env.ts';
import { bearerSecurity, createRouter, jsonBody, jsonContent, problemResponses } from '../http/openapi.ts';
import { AccessTokenSchema, LoginSchema, RegisterSchema, UserSchema } from './auth.schemas.ts';
import { type AuthService, toPublicUser } from './auth.service.ts';
import type { UsersRepository } from './users.repository.ts';

const register = createRoute({
  method: 'post',
  path: '/register',
  tags: ['auth'],
  summary: 'Create an account',
  request: { body: jsonBody(RegisterSchema) },
  responses: {
    201: jsonContent(UserSchema, 'The new account (never its password hash)'),
    ...problemResponses(400, 409, 413, 415, 422, 429),
  },
});

const login = createRoute({
  method: 'post',
  path: '/login',
  tags: ['auth'],
  summary: 'Exchange email and password for an access token',
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonContent(AccessTokenSchema, 'A bearer token for the Authorization header'),
    ...problemResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['auth'],
  summary: 'The account the token belongs to',
  security: bearerSecurity,
  responses: {
    200: jsonContent(UserSchema, 'The current user'),
    ...problemResponses(401, 403),
  },
});

export function authRoutes(deps: {
  auth: AuthService;
  users: UsersRepository;
  requireUser: MiddlewareHandler<HonoEnv>;
}) {
  const router = createRouter();
  router.use('/me', deps.requireUser);

  return router
    .openapi(register, async (c) => {
      const user = await deps.auth.register(c.req.valid('json'));
      return c.json(user, 201);
    })
    .openapi(login, async (c) => {
      const token = await deps.auth.login(c.req.valid('json'));
      // Tokens must not be cached by anything between the API and the client.
      c.header('Cache-Control', 'no-store');
      return c.json(token, 200);
    })
    .openapi(me, async (c) => {
      const user = await deps.users.findById(c.get('user').id);
      if (!user) throw new Error('authenticated user vanished');
      return c.json(toPublicUser(user), 200);
    });
}
