/**
 * Admin endpoints take a static bearer token (ADMIN_TOKEN), compared in constant time.
 * Without ADMIN_TOKEN no token is the admin token, so every admin request is a 401 that says
 * why: the routes are in the OpenAPI document whatever the configuration, and a 404 would tell an
 * operator who forgot the variable that the URL is wrong, when it is the server that is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { HonoEnv } from '../http/env.ts';
import { ProblemError } from '../http/problem.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireAdmin(adminToken: string | undefined) {
  const expected = adminToken ? digest(adminToken) : undefined;
  return createMiddleware<HonoEnv>(async function requireAdmin(c, next) {
    if (!expected) {
      throw new ProblemError('invalid-token', {
        detail:
          'Admin endpoints are off: the server has no ADMIN_TOKEN (16 characters or more), so no token is accepted.',
        headers: { 'WWW-Authenticate': 'Bearer realm="flowlab-admin", error="invalid_token"' },
      });
    }
    const match = /^Bearer (.+)$/i.exec(c.req.header('Authorization') ?? '');
    // Hashing first makes both sides the same length, as timingSafeEqual requires.
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new ProblemError('invalid-token', {
        detail: 'This endpoint needs the admin token: Authorization: Bearer <ADMIN_TOKEN>.',
        headers: { 'WWW-Authenticate': 'Bearer realm="flowlab-admin"' },
      });
    }
    await next();
  });
}
