/**
 * The create rate limit (the seed's "more than 10 todos a minute" rule).
 *
 * For now it counts the user's recent todos in PostgreSQL, so it needs nothing but the
 * database; the graph-and-cache issue moves it to Redis. Known limit of this version:
 * deleting a todo frees its slot, and parallel creates at the boundary can slip through.
 */
import type { Executor } from '../db/database.ts';
import { createTodosRepository } from './todos.repository.ts';
import { decideRateLimit, type RateLimitDecision } from './todos.rules.ts';

export interface CreateRateLimiter {
  /** Decides whether the user may create one more todo now. */
  consume(userId: number): Promise<RateLimitDecision>;
}

export function createPostgresRateLimiter(deps: {
  db: Executor;
  limit: number;
  windowSeconds: number;
}): CreateRateLimiter {
  const todos = createTodosRepository(deps.db);
  return {
    async consume(userId) {
      const recent = await todos.recentCreations(userId, deps.windowSeconds);
      return decideRateLimit({ ...recent, limit: deps.limit, windowSeconds: deps.windowSeconds });
    },
  };
}
