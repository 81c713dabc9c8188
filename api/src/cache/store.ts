/**
 * Where cached values live: Redis in the full lab, a bounded in-process LRU in the
 * embedded default. Both expire entries after their TTL and keep a version counter per key.
 * A cache hit is one call: `readVersioned` reads a version counter and the entry filed under it
 * together (one Redis round trip, a Lua script, so nothing can land between the two reads).
 * The in-process store is bounded by bytes, in all and per owner (a user), not only by count:
 * a count alone let one user fill the heap with a few thousand large lists.
 * In Redis, each owner's cached bytes are counted too (a counter per owner that lives one TTL):
 * past the budget, an entry is not stored (the request is still answered, from PostgreSQL).
 * Without it, one user's distinct queries filled a Redis with `maxmemory` and `allkeys-lru`
 * (Docker Compose's) and the eviction that followed dropped the rate limits' windows too: a
 * limit reset by eviction. One owner holds at most twice the budget (this window's and the last's).
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
  /**
   * Stores `value` (JSON with a numeric `version`, equal to `version`) unless `key` holds a value
   * whose `version` is higher: of two writers that cross, the older never wins. False when refused.
   */
  setIfNewer(key: string, value: string, version: number, ttlSeconds: number, owner?: string): Promise<boolean>;
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

/** A compare-and-set on the `version` inside the JSON a key holds: an older value never replaces a newer one. */
const SET_IF_NEWER = `
local held = redis.call('GET', KEYS[1])
if held then
  local ok, decoded = pcall(cjson.decode, held)
  if ok and type(decoded) == 'table' and tonumber(decoded.version) and tonumber(decoded.version) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

/** Stores an owner's entry only within the owner's byte budget for this TTL window. */
const SET_WITHIN_BUDGET = `
local size = string.len(ARGV[1]) + string.len(KEYS[1])
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + size > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if redis.call('INCRBY', KEYS[2], size) == size then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return 1`;

export interface RedisStoreOptions {
  keyPrefix: string;
  /** One owner's cached bytes stored per TTL window (CACHE_MAX_BYTES_PER_USER). */
  maxBytesPerOwner: number;
}
/**
 * A new version and its lifetime in one round trip (one span in the trace, where MULTI, INCR, EXPIRE
 * and EXEC made four).
 */
const BUMP_VERSION = `
local version = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return version`;

type VersionedRedis = Redis & {
  flowlabSetWithinBudget(
    key: string,
    budgetKey: string,
    value: string,
    ttlSeconds: number,
    budget: number,
  ): Promise<number>;
  flowlabReadVersioned(versionKey: string, before: string, after: string): Promise<[string, string | null]>;
  flowlabSetIfNewer(key: string, value: string, version: number, ttlSeconds: number): Promise<number>;
  flowlabBumpVersion(versionKey: string, ttlSeconds: number): Promise<number>;
};

/** Version counters outlive every entry they protect, so a counter never restarts under a live entry. */
const VERSION_TTL_SECONDS = 86_400;

export function redisStore(redis: Redis, faults: Faults, options: RedisStoreOptions): CacheStore {
  // EVALSHA, falling back to EVAL (which loads the script) when Redis does not know it yet.
  if (!('flowlabReadVersioned' in redis))
    redis.defineCommand('flowlabReadVersioned', { numberOfKeys: 1, lua: READ_VERSIONED });
  if (!('flowlabSetWithinBudget' in redis))
    redis.defineCommand('flowlabSetWithinBudget', { numberOfKeys: 2, lua: SET_WITHIN_BUDGET });
  if (!('flowlabSetIfNewer' in redis)) redis.defineCommand('flowlabSetIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
  if (!('flowlabBumpVersion' in redis))
    redis.defineCommand('flowlabBumpVersion', { numberOfKeys: 1, lua: BUMP_VERSION });
  const scripted = redis as VersionedRedis;
  return {
    kind: 'redis',
    async get(key) {
      await faults.before('redis');
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlSeconds, owner) {
      await faults.before('redis');
      if (owner === undefined) {
        await redis.set(key, value, 'EX', ttlSeconds);
        return;
      }
      const budgetKey = `${options.keyPrefix}cache-bytes:${owner}`;
      await scripted.flowlabSetWithinBudget(key, budgetKey, value, ttlSeconds, options.maxBytesPerOwner);
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
    async setIfNewer(key, value, version, ttlSeconds) {
      await faults.before('redis');
      return (await scripted.flowlabSetIfNewer(key, value, version, ttlSeconds)) === 1;
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

/** The `version` of a JSON value setIfNewer stored (-1 when it has none: anything replaces it). */
function versionIn(json: string): number {
  try {
    const version = (JSON.parse(json) as { version?: unknown }).version;
    return typeof version === 'number' ? version : -1;
  } catch {
    return -1;
  }
}

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
    async setIfNewer(key, value, version, ttlSeconds, owner) {
      const held = entries.get(key);
      if (held !== undefined && versionIn(held) > version) return false;
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
    setIfNewer: (key, value, version, ttlSeconds, owner) =>
      gate().then(() => store.setIfNewer(key, value, version, ttlSeconds, owner)),
  };
}
