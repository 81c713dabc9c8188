/**
 * Authentication middleware: the step between "a request arrived" and "we know who sent it".
 * A missing, malformed, expired or wrongly signed token is a 401 with WWW-Authenticate: Bearer;
 * a valid token for a deactivated account is a 403. The account's state comes from the cache
 * store (one Redis call, or process memory), PostgreSQL only when it is not there: see
 * auth/account-states.ts for how a deactivation reaches every replica at once.
 */

import { isSpanContextValid, trace } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import type { AccountStates } from '../auth/account-states.ts';
import { InvalidTokenError, type TokenIssuer } from '../auth/tokens.ts';
import { invalidToken } from '../errors/invalid-token.ts';
import { ProblemError } from '../errors/problem.ts';
import { ATTR_ENDUSER_ID, FLOWLAB_ACCOUNT_CACHE } from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';
import type { CurrentUser, HonoEnv } from './env.ts';

const unauthorized = (detail: string, error?: 'invalid_request' | 'invalid_token') =>
  invalidToken(detail, { realm: 'flowlab', error });

export type Authenticate = (authorization: string | undefined) => Promise<CurrentUser>;

/** Who an Authorization header belongs to, or the 401/403 problem; no span of its own. */
export function createAuthenticator(deps: { tokens: TokenIssuer; accounts: AccountStates }): Authenticate {
  return async function authenticate(header) {
    if (!header) throw unauthorized('This endpoint needs a bearer token: Authorization: Bearer <accessToken>.');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
    if (!match?.[1]) throw unauthorized('The Authorization header must be "Bearer <accessToken>".', 'invalid_token');

    let userId: number;
    try {
      userId = await deps.tokens.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthorized(`${error.message}.`, 'invalid_token');
      throw error;
    }

    const { account: user, cache } = await deps.accounts.find(userId);
    // On the authenticate span (the active one): whether the account's state came from the cache.
    trace.getActiveSpan()?.setAttribute(FLOWLAB_ACCOUNT_CACHE, cache);
    if (!user) throw unauthorized('The access token is for an account that no longer exists.', 'invalid_token');
    if (!user.isActive) throw new ProblemError('account-inactive', { detail: 'This account is deactivated.' });
    return { id: user.id, email: user.email, name: user.name };
  };
}

/**
 * The `authenticate` step of every protected route. `onAuthenticated` hears the request's trace
 * id and the user's id: the recent-traces store notes whose trace it is.
 */
export function requireUser(deps: {
  authenticate: Authenticate;
  onAuthenticated?: (traceId: string, userId: number) => void;
}) {
  return createMiddleware<HonoEnv>(async function requireUser(c, next) {
    const user = await step('authenticate', {}, async (span) => {
      const user = await deps.authenticate(c.req.header('Authorization'));
      span.setAttribute(ATTR_ENDUSER_ID, String(user.id));
      // With telemetry off the span is a no-op whose trace id is all zeros: nobody's trace.
      if (isSpanContextValid(span.spanContext())) deps.onAuthenticated?.(span.spanContext().traceId, user.id);
      return user;
    });
    c.set('user', user);
    await next();
  });
}
