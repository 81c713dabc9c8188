/**
 * Sliding-window rate limits: at most `limit` hits per key in any `windowSeconds`.
 *
 * In Redis the window is a sorted set of hit times, pruned, counted and extended by one Lua
 * script, so the decision is atomic across API replicas and uses Redis's clock. This is
 * written by hand (a dozen lines of Lua) because it is what the lab teaches: the well-kept
 * libraries offer fixed windows, which let 2x the limit through around a window's edge.
 *
 * When Redis fails, the limiter falls back to the same algorithm in process memory (the
 * documented choice: keep limiting, per replica, rather than fail requests or stop limiting).
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Faults } from '../lab/faults.ts';
import { warnDependencyDown } from '../telemetry/dependency-warnings.ts';
import { decideRateLimit, type RateLimitDecision } from './decision.ts';

export interface RateLimiter {
  /** Decides whether `key` may have one more hit now, and records it when allowed. */
  consume(key: string): Promise<RateLimitDecision>;
}

export interface WindowOptions {
  limit: number;
  windowSeconds: number;
}

// KEYS[1]: the window; ARGV: window in ms, limit, a unique member for this hit.
// Returns the count before this hit, whether it was allowed, and the oldest hit's time (ms).
const SLIDING_WINDOW_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  allowed = 1
end
redis.call('PEXPIRE', KEYS[1], window)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {count, allowed, tonumber(oldest[2] or now), now}`;

export function memoryRateLimiter(options: WindowOptions & { maxKeys?: number }): RateLimiter {
  const windowMs = options.windowSeconds * 1000;
  // Bounded: the least recently seen keys go first, and an idle key expires with its window.
  const windows = new LRUCache<string, number[]>({ max: options.maxKeys ?? 10_000, ttl: windowMs });
  return {
    async consume(key) {
      const now = Date.now();
      const hits = (windows.get(key) ?? []).filter((at) => at > now - windowMs);
      const oldest = hits[0] ?? now;
      const decision = decideRateLimit({
        count: hits.length,
        limit: options.limit,
        windowSeconds: options.windowSeconds,
        oldestExpiresInSeconds: (oldest + windowMs - now) / 1000,
      });
      if (decision.allowed) hits.push(now);
      windows.set(key, hits);
      return decision;
    },
  };
}

export function redisRateLimiter(
  options: WindowOptions & { redis: Redis; keyPrefix: string; faults: Faults; fallback: RateLimiter; logger: Logger },
): RateLimiter {
  const { redis, fallback, logger } = options;
  const windowMs = options.windowSeconds * 1000;
  let sequence = 0;
  return {
    async consume(key) {
      try {
        await options.faults.before('redis');
        const member = `${process.pid}:${Date.now()}:${sequence++}`;
        const [count, , oldest, now] = (await redis.eval(
          SLIDING_WINDOW_LUA,
          1,
          `${options.keyPrefix}ratelimit:${key}`,
          windowMs,
          options.limit,
          member,
        )) as [number, number, number, number];
        return decideRateLimit({
          count,
          limit: options.limit,
          windowSeconds: options.windowSeconds,
          oldestExpiresInSeconds: (oldest + windowMs - now) / 1000,
        });
      } catch (error) {
        warnDependencyDown(
          logger,
          { dependency: 'redis', operation: 'rate limit', err: error },
          'rate limiter: redis unavailable, limiting in memory',
        );
        return fallback.consume(key);
      }
    },
  };
}
