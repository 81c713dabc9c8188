/**
 * One warning per dependency per interval while it is down, not one per request.
 *
 * With Redis unreachable, the cache, the account states and the rate limiter each fail on every
 * request: a warning (with a stack) from each multiplied the log volume by nine, in the very
 * moment a learner reads the log to find what broke. The first failure is logged with its error;
 * the next ones within DEPENDENCY_WARNING_INTERVAL_MS are only counted, and the next line for that
 * dependency says how many it stands for (`suppressed`). The state is kept per logger, so every
 * part of one app shares it and two apps in one test process do not.
 */
import type { Logger } from 'pino';

/** How often a dependency that keeps failing is logged again. */
export const DEPENDENCY_WARNING_INTERVAL_MS = 10_000;

interface Outage {
  loggedAt: number;
  suppressed: number;
  message: string;
}

const outagesByLogger = new WeakMap<Logger, Map<string, Outage>>();

function outagesOf(logger: Logger): Map<string, Outage> {
  let outages = outagesByLogger.get(logger);
  if (!outages) {
    outages = new Map();
    outagesByLogger.set(logger, outages);
  }
  return outages;
}

/**
 * Logs `message` for `dependency` unless it was logged less than an interval ago; then it is counted.
 * `fields` should not carry per-request values: the line stands for many requests.
 */
export function warnDependencyDown(
  logger: Logger,
  fields: { dependency: string; operation?: string; err?: unknown },
  message: string,
  now = Date.now(),
): void {
  const outages = outagesOf(logger);
  const outage = outages.get(fields.dependency);
  if (outage && now - outage.loggedAt < DEPENDENCY_WARNING_INTERVAL_MS) {
    outage.suppressed += 1;
    return;
  }
  logger.warn(
    { ...fields, suppressed: outage?.suppressed ?? 0, intervalMs: DEPENDENCY_WARNING_INTERVAL_MS },
    outage?.suppressed ? `${message} (and ${outage.suppressed} more in the last interval)` : message,
  );
  outages.set(fields.dependency, { loggedAt: now, suppressed: 0, message });
}

/** Logs the count of what was suppressed since each dependency's last line (at shutdown, and in tests). */
export function flushDependencyWarnings(logger: Logger): void {
  for (const [dependency, outage] of outagesOf(logger)) {
    if (outage.suppressed === 0) continue;
    logger.warn(
      { dependency, suppressed: outage.suppressed, intervalMs: DEPENDENCY_WARNING_INTERVAL_MS },
      `${outage.message} (${outage.suppressed} more since the last line)`,
    );
    outage.suppressed = 0;
  }
}
