/** The rate-limit decision and its headers, shared by every limit. */
import { describe, expect, it } from 'vitest';
import { decideRateLimit, rateLimitHeaders } from '../../src/ratelimit/decision.ts';

describe('the create rate limit', () => {
  it('allows the 10th create and refuses the 11th', () => {
    expect(decideRateLimit({ count: 9, limit: 10, windowSeconds: 60, oldestExpiresInSeconds: 30 })).toEqual({
      allowed: true,
      limit: 10,
      remaining: 0,
      resetSeconds: 30,
    });
    expect(decideRateLimit({ count: 10, limit: 10, windowSeconds: 60, oldestExpiresInSeconds: 12.2 })).toEqual({
      allowed: false,
      limit: 10,
      remaining: 0,
      resetSeconds: 13,
    });
  });

  it('resets after a whole window when the window was empty', () => {
    expect(decideRateLimit({ count: 0, limit: 10, windowSeconds: 60, oldestExpiresInSeconds: 0 })).toMatchObject({
      allowed: true,
      remaining: 9,
      resetSeconds: 60,
    });
  });

  it('adds Retry-After only to a refusal', () => {
    const allowed = rateLimitHeaders({ allowed: true, limit: 10, remaining: 3, resetSeconds: 40 });
    expect(allowed).toEqual({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '3', 'RateLimit-Reset': '40' });
    const refused = rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, resetSeconds: 7 });
    expect(refused['Retry-After']).toBe('7');
  });
});
