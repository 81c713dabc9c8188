import { defineRoute } from '../http/access.ts';
import { bodyProblems, createRouter, jsonBody, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import { AccessTokenSchema, LoginSchema, RegisterSchema, UserSchema } from './auth.schemas.ts';
import { type AuthService, toPublicUser } from './auth.service.ts';
import type { UsersRepository } from './users.repository.ts';

const register = defineRoute('public', {
  method: 'post',
  path: '/register',
  operationId: 'register',
  tags: ['auth'],
  // Public: this is how a client gets an account in the first place.
  summary: 'Create an account',
  description:
    'At most AUTH_RATE_LIMIT (30) register and login requests per AUTH_RATE_WINDOW_SECONDS (60) per address.',
  request: { body: jsonBody(RegisterSchema) },
  responses: {
    201: {
      ...jsonContent(UserSchema, 'The new account (never its password hash)'),
      links: {
        login: {
          operationId: 'login',
          requestBody: { email: '$request.body#/email', password: '$request.body#/password' },
          description: 'Log in with the same email and password',
        },
      },
    },
    ...problemResponses(...bodyProblems, 'email-taken', 'rate-limited'),
  },
});

const login = defineRoute('public', {
  method: 'post',
  path: '/login',
  operationId: 'login',
  tags: ['auth'],
  summary: 'Exchange email and password for an access token',
  description: 'Shares the register rate limit: AUTH_RATE_LIMIT (30) per AUTH_RATE_WINDOW_SECONDS (60) per address.',
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: {
      ...jsonContent(AccessTokenSchema, 'A bearer token for the Authorization header'),
      headers: {
        'Cache-Control': {
          description: 'no-store: no cache may keep a token',
          schema: { type: 'string' },
          required: true,
        },
      },
    },
    ...problemResponses(...bodyProblems, 'invalid-credentials', 'account-inactive', 'rate-limited'),
  },
});

const me = defineRoute('user', {
  method: 'get',
  path: '/me',
  operationId: 'getCurrentUser',
  tags: ['auth'],
  summary: 'The account the token belongs to',
  responses: {
    200: jsonContent(UserSchema, 'The current user'),
    ...problemResponses(...userProblems),
  },
});

export function authRoutes(deps: { auth: AuthService; users: UsersRepository }) {
  return createRouter()
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
