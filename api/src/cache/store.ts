/**
 * Where cached values live: Redis in the full lab, a bounded in-process LRU in the
 * embedded default. Both expire entries after their TTL and keep a version counter per key.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Faults } from '../lab/faults.ts';

export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Reads a version counter (0 when unset). */
  version(key: string): Promise<number>;
  /** Increments a version counter; every entry keyed by the old version becomes unreachable. */
  bump(key: string): Promise<number>;
}

/** Version counters outlive every entry they protect, so a counter never restarts under a live entry. */
const VERSION_TTL_SECONDS = 86_400;

export function redisStore(redis: Redis, faults: Faults): CacheStore {
  return {
    kind: 'redis',
    async get(key) {
      await faults.before('redis');
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      await faults.before('redis');
      await redis.set(key, value, 'EX', ttlSeconds);
    },
    async version(key) {
      await faults.before('redis');
      return Number((await redis.get(key)) ?? 0);
    },
    async bump(key) {
      await faults.before('redis');
      const result = await redis.multi().incr(key).expire(key, VERSION_TTL_SECONDS).exec();
      const [error, value] = result?.[0] ?? [new Error('empty MULTI result'), 0];
      if (error) throw error;
      return Number(value);
    },
  };
}

export function memoryStore(options: { maxEntries: number }): CacheStore {
  const entries = new LRUCache<string, string>({ max: options.maxEntries });
  // Counters are kept apart from the entries so that LRU eviction can never reset one.
  // If there are ever too many, dropping all entries with them is always safe.
  const versions = new Map<string, number>();
  return {
    kind: 'memory',
    get: async (key) => entries.get(key),
    set: async (key, value, ttlSeconds) => void entries.set(key, value, { ttl: ttlSeconds * 1000 }),
    version: async (key) => versions.get(key) ?? 0,
    async bump(key) {
      if (versions.size >= options.maxEntries) {
        versions.clear();
        entries.clear();
      }
      const next = (versions.get(key) ?? 0) + 1;
      versions.set(key, next);
      return next;
    },
  };
}
