/**
 * A per-client-address rate limit, for /auth/* (credential stuffing): 429 with Retry-After.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ProblemError } from '../errors/problem.ts';
import type { HonoEnv } from '../http/env.ts';
import { rateLimitHeaders } from './decision.ts';
import type { RateLimiter } from './rate-limiter.ts';

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket (app.request() in tests): every such request shares one bucket.
    return 'unknown';
  }
}

export function clientRateLimit(options: {
  limiter: RateLimiter;
  scope: string;
  trustProxy: boolean;
  onRejected?: () => void;
}) {
  return createMiddleware<HonoEnv>(async function clientRateLimit(c, next) {
    const decision = await options.limiter.consume(`${options.scope}:ip:${clientAddress(c, options.trustProxy)}`);
    if (!decision.allowed) {
      options.onRejected?.();
      throw new ProblemError('rate-limited', {
        detail: `Too many ${options.scope} requests from your address; try again in ${decision.resetSeconds} s.`,
        headers: rateLimitHeaders(decision),
      });
    }
    await next();
  });
}
