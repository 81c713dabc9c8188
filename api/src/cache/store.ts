/**
 * Where cached values live: Redis in the full lab, a bounded in-process LRU in the
 * embedded default. Both expire entries after their TTL and keep a version counter per key.
 * A cache hit is one call: `readVersioned` reads a version counter and the entry filed under it
 * together (one Redis round trip, a Lua script, so nothing can land between the two reads).
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
  /**
   * The version counter at `versionKey` (0 when unset) and the entry at `before + version + after`,
   * read together: the version is read first, in the same call.
   */
  readVersioned(versionKey: string, entryKey: VersionedKey): Promise<{ version: number; value: string | undefined }>;
  /** Stores `value` only if `key` holds nothing: a reader's fill never overwrites a writer's newer value. */
  add(key: string, value: string, ttlSeconds: number, owner?: string): Promise<boolean>;
}

/** An entry's key around its version: `${before}${version}${after}`. */
export interface VersionedKey {
  before: string;
  after: string;
}

/**
 * The version, then the entry under it, in one round trip. The entry's key is built here from the
 * version just read, so it cannot be declared in KEYS: fine on one Redis (this lab's), not on a cluster.
 */
const READ_VERSIONED = `
local version = redis.call('GET', KEYS[1]) or '0'
return { version, redis.call('GET', ARGV[1] .. version .. ARGV[2]) }`;

/**
 * A new version and its lifetime in one round trip (one span in the trace, where MULTI, INCR, EXPIRE
 * and EXEC made four).
 */
const BUMP_VERSION = `
local version = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return version`;

type VersionedRedis = Redis & {
  flowlabReadVersioned(versionKey: string, before: string, after: string): Promise<[string, string | null]>;
  flowlabBumpVersion(versionKey: string, ttlSeconds: number): Promise<number>;
};

/** Version counters outlive every entry they protect, so a counter never restarts under a live entry. */
const VERSION_TTL_SECONDS = 86_400;

export function redisStore(redis: Redis, faults: Faults): CacheStore {
  // EVALSHA, falling back to EVAL (which loads the script) when Redis does not know it yet.
  if (!('flowlabReadVersioned' in redis))
    redis.defineCommand('flowlabReadVersioned', { numberOfKeys: 1, lua: READ_VERSIONED });
  if (!('flowlabBumpVersion' in redis))
    redis.defineCommand('flowlabBumpVersion', { numberOfKeys: 1, lua: BUMP_VERSION });
  const scripted = redis as VersionedRedis;
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
      return Number(await scripted.flowlabBumpVersion(key, VERSION_TTL_SECONDS));
    },
    async readVersioned(versionKey, entryKey) {
      await faults.before('redis');
      const [version, value] = await scripted.flowlabReadVersioned(versionKey, entryKey.before, entryKey.after);
      return { version: Number(version), value: value ?? undefined };
    },
    async add(key, value, ttlSeconds) {
      await faults.before('redis');
      return (await redis.set(key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
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
  function set(key: string, value: string, ttlSeconds: number, owner = ''): void {
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
  }
  return {
    kind: 'memory',
    get: async (key) => entries.get(key),
    set: async (key, value, ttlSeconds, owner) => set(key, value, ttlSeconds, owner),
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
    async readVersioned(versionKey, entryKey) {
      const version = versions.get(versionKey) ?? 0;
      return { version, value: entries.get(`${entryKey.before}${version}${entryKey.after}`) };
    },
    async add(key, value, ttlSeconds, owner) {
      // One process, no await between the check and the write: nothing can come in between.
      if (entries.has(key)) return false;
      set(key, value, ttlSeconds, owner);
      return true;
    },
  };
}

/**
 * The lab's `cache` fault switch in front of either store: the embedded default's in-process
 * cache can be slowed or broken like Redis, and its readers then bypass it (todo-cache.ts).
 */
export function withCacheFaults(store: CacheStore, faults: Faults): CacheStore {
  const gate = () => faults.before('cache');
  return {
    kind: store.kind,
    get: (key) => gate().then(() => store.get(key)),
    set: (key, value, ttlSeconds, owner) => gate().then(() => store.set(key, value, ttlSeconds, owner)),
    version: (key) => gate().then(() => store.version(key)),
    bump: (key) => gate().then(() => store.bump(key)),
    readVersioned: (versionKey, entryKey) => gate().then(() => store.readVersioned(versionKey, entryKey)),
    add: (key, value, ttlSeconds, owner) => gate().then(() => store.add(key, value, ttlSeconds, owner)),
  };
}
