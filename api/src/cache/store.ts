/**
 * Where cached values live: Redis in the full lab, a bounded in-process LRU in the
 * embedded default. Both expire entries after their TTL and keep a version counter per key.
 * The in-process store is bounded by bytes, in all and per owner (a user), not only by count:
 * a count alone let one user fill the heap with a few thousand large lists.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Faults } from '../lab/faults.ts';

export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | undefined>;
  /** `owner` (a user id) is whose share of the in-process store the entry counts against. */
  set(key: string, value: string, ttlSeconds: number, owner?: string): Promise<void>;
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

export interface MemoryStoreLimits {
  maxEntries: number;
  /** All entries together, in (approximate) bytes of heap. */
  maxBytes: number;
  /** One owner's entries together; the owner's oldest go first. */
  maxBytesPerOwner: number;
}

/**
 * A rough heap size of one entry: V8 keeps a string in one or two bytes a character (two
 * counted, to be safe), and the LRU's node, the owner's index and the key about 200 bytes more.
 */
export const entryBytes = (key: string, value: string) => (key.length + value.length) * 2 + 200;

export function memoryStore(limits: MemoryStoreLimits): CacheStore {
  // Each owner's keys, oldest write first, with their sizes: what to evict when the owner is over.
  const owners = new Map<string, { bytes: number; keys: Map<string, number> }>();
  const ownerOf = new Map<string, string>();
  const entries = new LRUCache<string, string>({
    max: limits.maxEntries,
    maxSize: limits.maxBytes,
    maxEntrySize: limits.maxBytesPerOwner,
    sizeCalculation: (value, key) => entryBytes(key, value),
    // Whichever way an entry leaves (evicted, expired, replaced, deleted), its owner's count follows.
    dispose: (_value, key) => {
      const owner = ownerOf.get(key);
      if (owner === undefined) return;
      ownerOf.delete(key);
      const share = owners.get(owner);
      const size = share?.keys.get(key);
      if (!share || size === undefined) return;
      share.keys.delete(key);
      share.bytes -= size;
      if (share.keys.size === 0) owners.delete(owner);
    },
  });
  // Counters are kept apart from the entries so that LRU eviction can never reset one.
  // If there are ever too many, dropping all entries with them is always safe.
  const versions = new Map<string, number>();
  return {
    kind: 'memory',
    get: async (key) => entries.get(key),
    async set(key, value, ttlSeconds, owner = '') {
      const size = entryBytes(key, value);
      if (size > limits.maxBytesPerOwner) return;
      entries.delete(key);
      const share = owners.get(owner) ?? { bytes: 0, keys: new Map<string, number>() };
      owners.set(owner, share);
      while (share.bytes + size > limits.maxBytesPerOwner) {
        const oldest = share.keys.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
        // A key the LRU had already dropped without telling (never, but stay bounded regardless).
        if (share.keys.has(oldest)) {
          share.bytes -= share.keys.get(oldest) ?? 0;
          share.keys.delete(oldest);
        }
      }
      share.keys.set(key, size);
      share.bytes += size;
      ownerOf.set(key, owner);
      entries.set(key, value, { ttl: ttlSeconds * 1000 });
    },
    version: async (key) => versions.get(key) ?? 0,
    async bump(key) {
      if (versions.size >= limits.maxEntries) {
        versions.clear();
        entries.clear();
      }
      const next = (versions.get(key) ?? 0) + 1;
      versions.set(key, next);
      return next;
    },
  };
}
