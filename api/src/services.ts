/**
 * The services, built in one place from the dependencies: accounts and tokens, the cache, the
 * rate limiters, the todo, category and graph services, the metrics, the trace stores' readers.
 * No HTTP here: createApp (app.ts) hands these to the routers. `stop()` undoes what was started
 * (the dependency metrics' listeners), for an app disposed of before its process ends.
 */
import { staticTokenCheck } from './admin/require-admin.ts';
import { createAccountStates } from './auth/account-states.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { createUsersRepository } from './auth/users.repository.ts';
import { memoryStore, redisStore, withCacheFaults } from './cache/store.ts';
import { createTodoCache } from './cache/todo-cache.ts';
import { createCategoryService } from './categories/categories.service.ts';
import type { Runtime } from './dependencies.ts';
import { createGraphService } from './graph/graph.service.ts';
import { createAuthenticator } from './http/auth.ts';
import { createOutboxRepository } from './outbox/outbox.repository.ts';
import { graphSyncFor } from './outbox/wiring.ts';
import { memoryRateLimiter, type RateLimiter, redisRateLimiter, type WindowOptions } from './ratelimit/rate-limiter.ts';
import { defaultSites } from './sites/static-sites.ts';
import { createMetrics } from './telemetry/metrics.ts';
import type { TelemetryStores } from './telemetry/process-telemetry.ts';
import { watchDependencies } from './telemetry/watch-dependencies.ts';
import { createTodoService } from './todos/todos.service.ts';
import { createJaegerQuery } from './trace-views/jaeger-query.ts';
import { createVictoriaLogsQuery } from './trace-views/victorialogs-query.ts';

/** What createApp is built from: the opened dependencies, and this process's telemetry objects. */
export interface AppDependencies extends Runtime {
  telemetry: TelemetryStores;
}

export function createServices(deps: AppDependencies) {
  const { config, database, logger, faults, redis, telemetry } = deps;
  const { db } = database;
  const keyPrefix = config.REDIS_KEY_PREFIX;

  const metrics = createMetrics();
  const rateLimiter = (window: WindowOptions): RateLimiter => {
    const inMemory = memoryRateLimiter({ ...window, maxKeys: config.CACHE_MAX_ENTRIES });
    return redis ? redisRateLimiter({ ...window, redis, keyPrefix, faults, fallback: inMemory, logger }) : inMemory;
  };
  // One store for cached todos and account states: in Redis, shared by every replica.
  // The lab's cache switch wraps either store (lab/faults.ts): reads then bypass it.
  const store = withCacheFaults(
    redis
      ? redisStore(redis, faults)
      : memoryStore({
          maxEntries: config.CACHE_MAX_ENTRIES,
          maxBytes: config.CACHE_MAX_BYTES,
          maxBytesPerOwner: Math.min(config.CACHE_MAX_BYTES_PER_USER, config.CACHE_MAX_BYTES),
        }),
    faults,
  );

  const users = createUsersRepository(db);
  const tokens = createTokenIssuer({
    secret: config.JWT_SECRET,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const auth = createAuthService({ users, tokens, scrypt: { logN: config.PASSWORD_SCRYPT_LOG_N, r: 8, p: 3 } });
  const accounts = createAccountStates({ store, users, keyPrefix, logger });

  const cache = createTodoCache({
    store,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    keyPrefix,
    logger,
    onOutcome: (outcome) => metrics.cacheRequests.inc({ outcome }),
  });
  const graphSync = graphSyncFor(deps) ?? { tryInline: async () => 'disabled' as const };
  const outbox = createOutboxRepository(db);
  const todos = createTodoService({
    db,
    cache,
    graphSync,
    createLimiter: rateLimiter({ limit: config.TODO_CREATE_LIMIT, windowSeconds: config.TODO_CREATE_WINDOW_SECONDS }),
    metrics,
  });
  const categories = createCategoryService({ db, cache, graphSync });
  const graph = createGraphService({ graph: deps.graph?.client, breaker: deps.graph?.breaker, todos, outbox });

  // Jaeger's traces, when the API knows where Jaeger's query API is.
  const jaeger = config.JAEGER_QUERY_URL
    ? createJaegerQuery({
        baseUrl: config.JAEGER_QUERY_URL,
        timeoutMs: config.JAEGER_QUERY_TIMEOUT_MS,
        maxBytes: config.JAEGER_QUERY_MAX_BYTES,
      })
    : undefined;
  // VictoriaLogs' log lines, when the API knows where it is: the log search beyond the recent logs.
  const victoriaLogs = config.VICTORIALOGS_URL
    ? createVictoriaLogsQuery({
        baseUrl: config.VICTORIALOGS_URL,
        timeoutMs: config.VICTORIALOGS_TIMEOUT_MS,
        maxBytes: config.VICTORIALOGS_MAX_BYTES,
      })
    : undefined;

  const stopWatching = watchDependencies(metrics, {
    dependencySpans: telemetry.dependencySpans,
    database,
    breaker: deps.graph?.breaker,
    outbox,
  });

  return {
    metrics,
    rateLimiter,
    users,
    auth,
    accounts,
    /** Who an Authorization header belongs to (the 401/403 problems otherwise). */
    whoIs: createAuthenticator({ tokens, accounts }),
    isAdmin: staticTokenCheck(config.ADMIN_TOKEN),
    isScraper: staticTokenCheck(config.METRICS_TOKEN),
    todos,
    categories,
    graph,
    outbox,
    jaeger,
    victoriaLogs,
    sites: defaultSites({ docs: config.DOCS_DIST_DIR, web: config.WEB_DIST_DIR }),
    stop: stopWatching,
  };
}

export type Services = ReturnType<typeof createServices>;
