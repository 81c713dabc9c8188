/**
 * Errors as spans and logs may show them: without the values a query carried.
 * drizzle's DrizzleQueryError says "Failed query: <sql>\nparams: <every value>" (an email, a
 * password hash, a todo's text), and PostgreSQL's own error may add a `detail` such as
 * "Key (email)=(ada@example.com) already exists." Redaction by key cannot reach inside a message,
 * so every recorded or logged error passes through here first: the statement with its
 * placeholders, the database's reason and SQLSTATE code stay, the values go.
 */

interface QueryError extends Error {
  query: string;
  params: unknown[];
}

const isQueryError = (error: Error): error is QueryError =>
  typeof (error as Partial<QueryError>).query === 'string' && Array.isArray((error as Partial<QueryError>).params);

// What node-postgres and PGlite errors carry that names no value.
const databaseFields = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine'] as const;

function rebuilt(original: Error, message: string, cause: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause: withoutValues(cause) });
  error.name = original.name;
  // The same frames, under the new first line (the old one held the values).
  const frames = (original.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  error.stack = [`${original.name}: ${message}`, ...frames].join('\n');
  return error;
}

export function withoutValues(error: unknown, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(typeof error === 'string' ? error : 'non-Error thrown');
  if (depth > 5) return new Error(error.name);
  if (isQueryError(error)) {
    const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return rebuilt(error, `Failed query: ${error.query}${reason}`, error.cause);
  }
  const source = error as Error & Record<string, unknown>;
  if ('detail' in source || 'where' in source || 'internalQuery' in source || 'params' in source) {
    const safe = rebuilt(error, error.message, error.cause);
    for (const field of databaseFields) {
      if (typeof source[field] === 'string') (safe as unknown as Record<string, unknown>)[field] = source[field];
    }
    return safe;
  }
  if (error.cause !== undefined) {
    const safe = rebuilt(error, error.message, undefined);
    for (const key of Object.keys(source)) (safe as unknown as Record<string, unknown>)[key] = source[key];
    safe.cause = withoutValues(error.cause, depth + 1);
    return safe;
  }
  return error;
}
