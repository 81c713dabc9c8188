/**
 * The rate-limit decision and the headers that tell a client about it, shared by every limit
 * (todo creates per user, /auth/* and browser spans per address). Pure, so it is unit-tested alone;
 * the windows themselves are counted by rate-limiter.ts.
 */

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the oldest hit in the window leaves it, freeing a slot. */
  resetSeconds: number;
}

/**
 * A rate limit over a sliding window: `count` hits (creates, logins) in the last window,
 * the oldest of which leaves the window in `oldestExpiresInSeconds`.
 */
export function decideRateLimit(input: {
  count: number;
  limit: number;
  windowSeconds: number;
  oldestExpiresInSeconds: number;
}): RateLimitDecision {
  const allowed = input.count < input.limit;
  // With an empty window, the slot this request takes is the one that frees up first.
  const resetSeconds = input.count === 0 ? input.windowSeconds : Math.max(1, Math.ceil(input.oldestExpiresInSeconds));
  return {
    allowed,
    limit: input.limit,
    // This request uses one slot when it is allowed.
    remaining: allowed ? input.limit - input.count - 1 : 0,
    resetSeconds,
  };
}

/** The IETF RateLimit header fields, plus Retry-After when the request was refused. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
  };
  if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, decision.resetSeconds));
  return headers;
}
