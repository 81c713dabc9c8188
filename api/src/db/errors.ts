/**
 * Recognising PostgreSQL errors through the layers that wrap them
 * (drizzle wraps driver errors in DrizzleQueryError; the original is its `cause`).
 */
interface PgErrorLike {
  code?: string;
  constraint?: string;
}

function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as PgErrorLike & { cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** True when `error` is a unique violation (SQLSTATE 23505), optionally of the named index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = findPgError(error);
  if (pgError?.code !== '23505') return false;
  // PGlite does not always fill `constraint`; then the code alone decides.
  return !constraint || !pgError.constraint || pgError.constraint === constraint;
}
