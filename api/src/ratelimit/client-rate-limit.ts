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

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket (app.request() in tests): every such request shares one bucket.
    return 'unknown';
  }
}

/**
 * The client's address behind `trustedHops` proxies: each appends the address it received from,
 * so the list reads [what the client wrote..., hop N's peer, ..., hop 2's peer] and the socket is
 * hop 1's. Only the entries the trusted proxies appended are believed: the one `trustedHops`
 * places from the right, counting the socket as the first (Express's and Fastify's `trust proxy: n`).
 * A list shorter than that gives its leftmost entry (the request came through fewer proxies).
 */
export function clientAddress(c: Context, trustedHops: number): string {
  const socket = socketAddress(c);
  if (trustedHops === 0) return socket;
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, socket];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? socket;
}

export function clientRateLimit(options: {
  limiter: RateLimiter;
  scope: string;
  /** TRUST_PROXY: how many proxies in front of the API append to X-Forwarded-For. */
  trustProxy: number;
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
