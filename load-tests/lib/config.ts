/**
 * Where the run points and what it may do, from k6's environment (`-e NAME=value` or the shell's):
 *   API_URL      the API (default http://localhost:8000; in Docker Compose, http://api:8000)
 *   ADMIN_TOKEN  the lab's admin token, for the graph-outage drill's fault switch
 *   SUMMARY_DIR  where handleSummary writes its files (default load-tests/results: k6 resolves it from
 *                the directory it runs in, the repository's root in the README's commands)
 */
export const API_URL = (__ENV.API_URL || 'http://localhost:8000').replace(/\/+$/, '');
export const ADMIN_TOKEN = __ENV.ADMIN_TOKEN || '';
export const SUMMARY_DIR = (__ENV.SUMMARY_DIR || 'load-tests/results').replace(/\/+$/, '');

/**
 * The API's own limits, at their defaults (README, Configuration). The scenarios are sized to stay
 * under them rather than asking for them to be raised, so what a learner loads is the lab as it ships.
 */
export const limits = {
  /** TODO_CREATE_LIMIT per TODO_CREATE_WINDOW_SECONDS, per user. */
  createsPerUserPerMinute: 10,
  /** AUTH_RATE_LIMIT per AUTH_RATE_WINDOW_SECONDS, per client address: register and login together. */
  authPerAddressPerMinute: 30,
};

/**
 * A writer gives each of its users one create every 10 s (6 a minute), and setup() seeds 2 todos per
 * user: at most 8 creates in any minute, 2 under the limit, so jitter in k6's schedule never meets a 429.
 */
export const CREATES_PER_USER_PER_MINUTE = 6;
export const SEED_TODOS_PER_USER = 2;

/** How many users a writer needs so that `createsPerSecond` stays under every user's create limit. */
export function usersFor(createsPerSecond: number): number {
  return Math.max(1, Math.ceil((createsPerSecond * 60) / CREATES_PER_USER_PER_MINUTE));
}
