/**
 * Who a token's user is (id, email, name, active or not), without a PostgreSQL round trip on
 * every request: the account's state is kept in the cache store beside the user's cache version
 * (`<prefix>account:<id>`, no secrets: never the password hash), and PostgreSQL is read only
 * when it is not there.
 *
 * How a change reaches every replica: the admin routes (deactivate, reactivate) write the new
 * state into the store *after* PostgreSQL committed it and *before* they answer. With Redis,
 * the store all replicas share, the next request on any replica reads the new state: a 403 at
 * once. With the in-process store (the embedded default, one process) the same write lands in
 * the only process there is. A reader that loaded the old state from PostgreSQL just before the
 * change cannot put it back: a reader only adds a state where none is (SET NX). Two changes that
 * cross (a deactivation and a reactivation at the same moment, on two replicas) cannot leave the
 * older one in the store: each state carries the version PostgreSQL gave it (users.state_version,
 * raised by every change), and a write only replaces a state with an older version (a Lua
 * compare-and-set in Redis).
 *
 * What can lag, and by how much: a change the store did not hear of (made with SQL behind the
 * API's back, or while Redis was unreachable from the replica that made it) shows when the
 * state expires, after at most ACCOUNT_STATE_TTL_SECONDS. The replica that failed to write
 * reads PostgreSQL for that account until a later write succeeds.
 * With the store down, every lookup reads PostgreSQL: nothing is lost, the store is only a cache.
 */
import type { Logger } from 'pino';
import type { CacheStore } from '../cache/store.ts';
import type { CacheOutcome } from '../cache/todo-cache.ts';
import { warnDependencyDown } from '../telemetry/dependency-warnings.ts';
import type { UsersRepository } from './users.repository.ts';

/** What authentication needs to know about an account; nothing secret. */
export interface AccountState {
  id: number;
  email: string;
  name: string | null;
  isActive: boolean;
  /** PostgreSQL's users.state_version: a later change has a higher one. */
  version: number;
}

/** How long a state may stand for an account before PostgreSQL is asked again. */
export const ACCOUNT_STATE_TTL_SECONDS = 60;

export function createAccountStates(deps: {
  store: CacheStore;
  users: Pick<UsersRepository, 'findAccount'>;
  keyPrefix: string;
  logger: Logger;
  ttlSeconds?: number;
}) {
  const { store, users, keyPrefix, logger, ttlSeconds = ACCOUNT_STATE_TTL_SECONDS } = deps;
  const keyOf = (userId: number) => `${keyPrefix}account:${userId}`;
  // Accounts whose change could not reach the store: this replica reads them from PostgreSQL.
  const unconfirmed = new Set<number>();

  function storeFailed(operation: string, error: unknown) {
    warnDependencyDown(
      logger,
      { dependency: store.kind, operation, err: error },
      'account state unavailable: reading PostgreSQL',
    );
  }

  async function fromDatabase(userId: number): Promise<AccountState | undefined> {
    return users.findAccount(userId);
  }

  /** Writes what PostgreSQL now says into the store, overwriting whatever it held. */
  async function publish(account: AccountState): Promise<void> {
    try {
      await store.setIfNewer(
        keyOf(account.id),
        JSON.stringify(account),
        account.version,
        ttlSeconds,
        String(account.id),
      );
      unconfirmed.delete(account.id);
    } catch (error) {
      unconfirmed.add(account.id);
      storeFailed('publish', error);
    }
  }

  return {
    /** The account (undefined when there is none) and where it came from. */
    async find(userId: number): Promise<{ account: AccountState | undefined; cache: CacheOutcome }> {
      if (unconfirmed.has(userId)) {
        const account = await fromDatabase(userId);
        if (account) await publish(account);
        return { account, cache: 'bypass' };
      }
      try {
        const cached = await store.get(keyOf(userId));
        if (cached !== undefined) return { account: JSON.parse(cached) as AccountState, cache: 'hit' };
      } catch (error) {
        storeFailed('read', error);
        return { account: await fromDatabase(userId), cache: 'bypass' };
      }
      // A deleted account is not remembered: its token meets PostgreSQL (and a 401) every time.
      const account = await fromDatabase(userId);
      if (account) {
        try {
          await store.add(keyOf(userId), JSON.stringify(account), ttlSeconds, String(userId));
        } catch (error) {
          storeFailed('write', error);
        }
      }
      return { account, cache: 'miss' };
    },

    /** Call after a committed change to an account, before answering: every replica then sees it. */
    changed: publish,
  };
}

export type AccountStates = ReturnType<typeof createAccountStates>;
