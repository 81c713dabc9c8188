/**
 * Admin endpoints take a static bearer token (ADMIN_TOKEN), compared in constant time.
 * Without ADMIN_TOKEN no token is the admin token, so every admin request is a 401 that says
 * why: the routes are in the OpenAPI document whatever the configuration, and a 404 would tell an
 * operator who forgot the variable that the URL is wrong, when it is the server that is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { invalidToken } from '../errors/invalid-token.ts';
import type { HonoEnv } from '../http/env.ts';

const ADMIN_REALM = 'flowlab-admin';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries this static token (ADMIN_TOKEN, METRICS_TOKEN); false without one. */
export function staticTokenCheck(adminToken: string | undefined): (authorization: string | undefined) => boolean {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (authorization) => {
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    // Hashing first makes both sides the same length, as timingSafeEqual requires.
    return Boolean(expected && match?.[1] && timingSafeEqual(digest(match[1]), expected));
  };
}

/** `isAdmin` is the app's one check of ADMIN_TOKEN, when it has one already. */
export function requireAdmin(adminToken: string | undefined, isAdmin = staticTokenCheck(adminToken)) {
  return createMiddleware<HonoEnv>(async function requireAdmin(c, next) {
    if (!adminToken) {
      throw invalidToken(
        'Admin endpoints are off: the server has no ADMIN_TOKEN (16 characters or more), so no token is accepted.',
        { realm: ADMIN_REALM, error: 'invalid_token' },
      );
    }
    if (!isAdmin(c.req.header('Authorization'))) {
      throw invalidToken('This endpoint needs the admin token: Authorization: Bearer <ADMIN_TOKEN>.', {
        realm: ADMIN_REALM,
      });
    }
    await next();
  });
}
