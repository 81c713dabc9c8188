/**
 * Who may call a route, said once in its contract: `defineRoute('user', { ... })` sets both the
 * middleware that checks the caller and the `security` the OpenAPI document shows, so the two
 * cannot drift apart. It also starts the `validate request` step just before the route's
 * validators (validation.ts), after the caller is known.
 *
 * The checks need the app's tokens and accounts, so createApp builds them once and `provideAccess`
 * hands them to every request on the context; a route contract is a module constant and names its
 * rule only. The rules:
 * - public: anyone;
 * - user: an access token, checked in the `authenticate` step (its span notes the trace's owner);
 * - admin: ADMIN_TOKEN;
 * - viewer: ADMIN_TOKEN (sees everyone's) or an access token (sees its own), checked without a
 *   span: the lab's trace views, whose own lookups would otherwise be traces to list.
 */
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { untraced } from '../telemetry/tracing.ts';
import type { Authenticate } from './auth.ts';
import type { HonoEnv } from './env.ts';
import { validationStarts } from './validation.ts';

export type Access = 'public' | 'user' | 'admin' | 'viewer';

/** Who a trace view is for: the admin (everyone's traces) or one user (their own). */
export type Viewer = { admin: true } | { admin: false; userId: number };

/** The app's checks, one per protected rule (built by createApp). */
export interface AccessChecks {
  user: MiddlewareHandler<HonoEnv>;
  admin: MiddlewareHandler<HonoEnv>;
  viewer: MiddlewareHandler<HonoEnv>;
}

/** The bearer scheme, named in every protected route's `security`. */
export const bearerSecurity = [{ bearerAuth: [] }];

/** Puts the app's checks on every request's context, first thing. */
export function provideAccess(checks: AccessChecks) {
  return createMiddleware<HonoEnv>(async function provideAccess(c, next) {
    c.set('access', checks);
    await next();
  });
}

/** The `viewer` check: the admin token, or else an access token, without a span of its own. */
export function viewerCheck(deps: {
  isAdmin: (authorization: string | undefined) => boolean;
  authenticate: Authenticate;
}): MiddlewareHandler<HonoEnv> {
  return createMiddleware<HonoEnv>(async function checkViewer(c, next) {
    const authorization = c.req.header('Authorization');
    const viewer: Viewer = deps.isAdmin(authorization)
      ? { admin: true }
      : { admin: false, userId: (await untraced(() => deps.authenticate(authorization))).id };
    c.set('viewer', viewer);
    await next();
  });
}

const checkFor = (rule: Exclude<Access, 'public'>) =>
  createMiddleware<HonoEnv>(function checkAccess(c, next) {
    return c.var.access[rule](c, next);
  });

const checks = { user: checkFor('user'), admin: checkFor('admin'), viewer: checkFor('viewer') };

/** Whether a route reads a part of the request, so has validators (and a `validate request` step). */
function readsRequest(request: RouteConfig['request']): boolean {
  return Boolean(request?.params || request?.query || request?.headers || request?.cookies || request?.body);
}

/** A route contract (createRoute's) with who may call it; see the module's comment. */
export function defineRoute<P extends string, R extends Omit<RouteConfig, 'path' | 'security' | 'middleware'>>(
  access: Access,
  config: R & { path: P },
) {
  const middleware: MiddlewareHandler<HonoEnv>[] = [];
  if (access !== 'public') middleware.push(checks[access]);
  if (readsRequest(config.request)) middleware.push(validationStarts(config.request));
  return createRoute({ ...config, security: access === 'public' ? [] : bearerSecurity, middleware });
}
