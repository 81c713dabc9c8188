/**
 * Errors as spans and logs may show them: without the values a query carried.
 * drizzle's DrizzleQueryError says "Failed query: <sql>\nparams: <every value>" (an email, a
 * password hash, a todo's text), and PostgreSQL's own error may add a `detail` such as
 * "Key (email)=(ada@example.com) already exists." Redaction by key cannot reach inside a message,
 * so every recorded or logged error passes through here first: the statement with its
 * placeholders, the database's reason and SQLSTATE code stay, the values go.
 * PGlite's own error also carries the query and its values: read as the database's error it is
 * (the reason, the SQLSTATE), it says what node-postgres's says on PostgreSQL; frames inside
 * PGlite's WebAssembly (`wasm://…`) say nothing to a reader and are dropped.
 */

interface QueryError extends Error {
  query: string;
  params: unknown[];
}

/** An error the database itself raised (node-postgres's or PGlite's): a severity and a SQLSTATE. */
const isDatabaseError = (error: Error & Record<string, unknown>) =>
  typeof error.severity === 'string' && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code);

const isQueryError = (error: Error): error is QueryError =>
  typeof (error as Partial<QueryError>).query === 'string' && Array.isArray((error as Partial<QueryError>).params);

// What node-postgres and PGlite errors carry that names no value.
const databaseFields = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine'] as const;

function rebuilt(original: Error, message: string, cause: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause: withoutValues(cause) });
  error.name = original.name;
  // The same frames, under the new first line (the old one held the values).
  const frames = (original.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line) && !/wasm:\/\//.test(line));
  error.stack = [`${original.name}: ${message}`, ...frames].join('\n');
  return error;
}

function databaseError(source: Error & Record<string, unknown>): Error {
  const safe = rebuilt(source, source.message, source.cause);
  for (const field of databaseFields) {
    if (typeof source[field] === 'string') (safe as unknown as Record<string, unknown>)[field] = source[field];
  }
  return safe;
}

export function withoutValues(error: unknown, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(typeof error === 'string' ? error : 'non-Error thrown');
  if (depth > 5) return new Error(error.name);
  const source = error as Error & Record<string, unknown>;
  if (isDatabaseError(source)) return databaseError(source);
  if (isQueryError(error)) {
    const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return rebuilt(error, `Failed query: ${error.query}${reason}`, error.cause);
  }
  if ('detail' in source || 'where' in source || 'internalQuery' in source || 'params' in source) {
    return databaseError(source);
  }
  if (error.cause !== undefined) {
    const safe = rebuilt(error, error.message, undefined);
    for (const key of Object.keys(source)) (safe as unknown as Record<string, unknown>)[key] = source[key];
    safe.cause = withoutValues(error.cause, depth + 1);
    return safe;
  }
  return error;
}
