/**
 * Cache-aside for a user's todos (GET /todos for each query, GET /todos/:id).
 *
 * Keys carry a per-user version: flowlab:todos:<user>:v<version>:<what>. Every write to the
 * user's todos bumps the version, so no list under any filter, and no single todo, can be
 * served stale: the old keys are simply never read again and expire on their TTL.
 * When the store fails (Redis down), reads bypass the cache and go to PostgreSQL; a bump that
 * failed is remembered, and that user's reads bypass the cache until a bump succeeds.
 *
 * What a failed bump means for the *other* replicas: they reach Redis, find the old version and
 * serve the old list. So a failed bump is retried in the background every second until Redis
 * takes it (not only when someone reads through this replica), and no entry lives longer than
 * the TTL (CACHE_TTL_SECONDS, 60 s by default): the old list is served for at most that long,
 * and for no longer than this replica's outage when it comes back sooner.
 */
import type { Logger } from 'pino';
import { type JsonText, toJsonText } from '../http/json-text.ts';
import { FLOWLAB_CACHE_OUTCOME, FLOWLAB_CACHE_STORE } from '../telemetry/attributes.ts';
import { warnDependencyDown } from '../telemetry/dependency-warnings.ts';
import { step } from '../telemetry/tracing.ts';
import type { CacheStore } from './store.ts';

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/** How often a failed invalidation is tried again while the store does not take it. */
export const INVALIDATION_RETRY_MS = 1000;

/**
 * The answer as JSON text: a hit's is the stored text as it is (not parsed), a miss's is the text
 * it stored. Either way the response sends these bytes, so a hit and a miss answer alike.
 */
export interface Cached<T> {
  body: JsonText<T>;
  cache: CacheOutcome;
}

export function createTodoCache(deps: {
  store: CacheStore;
  ttlSeconds: number;
  keyPrefix: string;
  logger: Logger;
  /** Called on each cache outcome (metrics). */
  onOutcome?: (outcome: CacheOutcome) => void;
}) {
  const { store, ttlSeconds, keyPrefix, logger } = deps;
  const versionKey = (userId: number) => `${keyPrefix}todos:${userId}:version`;
  // Users whose invalidation could not reach the store: their cached entries may be stale.
  // Bounded: past this many, the oldest is forgotten here (its entries still expire on their TTL).
  const unconfirmedInvalidations = new Set<number>();
  const MAX_UNCONFIRMED = 10_000;
  let retrying: NodeJS.Timeout | undefined;

  function retryLater() {
    if (retrying) return;
    retrying = setTimeout(async () => {
      retrying = undefined;
      for (const userId of [...unconfirmedInvalidations]) {
        await invalidate(userId);
        if (unconfirmedInvalidations.has(userId)) break;
      }
    }, INVALIDATION_RETRY_MS);
    // Never what keeps a process alive: at exit the entries expire on their TTL anyway.
    retrying.unref();
  }

  function storeFailed(operation: string, error: unknown) {
    warnDependencyDown(logger, { dependency: store.kind, operation, err: error }, 'cache unavailable: bypassing it');
  }

  async function invalidate(userId: number): Promise<void> {
    try {
      await store.bump(versionKey(userId));
      unconfirmedInvalidations.delete(userId);
    } catch (error) {
      unconfirmedInvalidations.delete(userId);
      unconfirmedInvalidations.add(userId);
      if (unconfirmedInvalidations.size > MAX_UNCONFIRMED) {
        const oldest = unconfirmedInvalidations.values().next().value;
        if (oldest !== undefined) unconfirmedInvalidations.delete(oldest);
      }
      storeFailed('invalidate', error);
      retryLater();
    }
  }

  /** Cache-aside: the version and the entry in one call; on a miss, load from PostgreSQL and store it. */
  async function readThrough<T>(userId: number, what: string, load: () => Promise<T>): Promise<Cached<T>> {
    const loaded = async () => toJsonText(await load());
    if (unconfirmedInvalidations.has(userId)) {
      await invalidate(userId);
      if (unconfirmedInvalidations.has(userId)) return { body: await loaded(), cache: 'bypass' };
    }
    const entryKey = { before: `${keyPrefix}todos:${userId}:v`, after: `:${what}` };
    let key: string;
    try {
      // The version is read before the data (in the same call, first): a write that lands after
      // it bumps the version, so whatever this read stores is filed under a key nobody reads again.
      const { version, value } = await store.readVersioned(versionKey(userId), entryKey);
      // Only readThrough writes these keys, and only toJsonText's output of a T.
      if (value !== undefined) return { body: value as JsonText<T>, cache: 'hit' };
      key = `${entryKey.before}${version}${entryKey.after}`;
    } catch (error) {
      storeFailed('read', error);
      return { body: await loaded(), cache: 'bypass' };
    }
    const body = await loaded();
    try {
      await store.set(key, body, ttlSeconds, String(userId));
    } catch (error) {
      storeFailed('write', error);
    }
    return { body, cache: 'miss' };
  }

  return {
    invalidate,

    read<T>(userId: number, what: string, load: () => Promise<T>): Promise<Cached<T>> {
      return step('cache lookup', { [FLOWLAB_CACHE_STORE]: store.kind }, async (span) => {
        const result = await readThrough(userId, what, load);
        span.setAttribute(FLOWLAB_CACHE_OUTCOME, result.cache);
        deps.onOutcome?.(result.cache);
        return result;
      });
    },
  };
}

export type TodoCache = ReturnType<typeof createTodoCache>;
