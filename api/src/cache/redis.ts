/**
 * The Redis connection (ioredis), tuned to fail fast: with Redis down, a command fails at
 * once (no offline queue) instead of holding the request, while the client keeps
 * reconnecting in the background. Callers treat a failure as "bypass the cache".
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Log state changes, not every failed reconnect: an outage must not flood the logs.
  let up = false;
  redis.on('ready', () => {
    if (!up) logger.info({ dependency: 'redis' }, 'redis connected');
    up = true;
  });
  redis.on('error', (error) => {
    if (up) logger.warn({ dependency: 'redis', err: error }, 'redis unavailable');
    up = false;
  });
  return redis;
}

/** Waits until the connection is ready (true), or gives up after `timeoutMs` (false). */
export function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
