/**
 * A SQL statement's span name and attributes, the same on a PostgreSQL server (pg-tracing.ts) and
 * on the embedded PGlite (pglite-tracing.ts): `INSERT todos` (db-query-summary.ts), the system,
 * where it ran, the operation, and the text with its placeholders, never the values.
 * The app's statements are built once (prepared.ts), so the same few texts come back with every
 * request: each one's name and attributes are made once (the SDK copies them into each span),
 * at most STATEMENTS_KEPT, then forgotten at once.
 */
import type { Attributes } from '@opentelemetry/api';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME } from '../telemetry/attributes.ts';
import { ATTR_DB_QUERY_SUMMARY, querySummary } from '../telemetry/db-query-summary.ts';

const STATEMENTS_KEPT = 256;

export interface StatementSpan {
  summary: string;
  attributes: Attributes;
}

/** A statement's span, given where the statements go (db.namespace, server.address, ...). */
export function statementSpans(where: Attributes): (text: string) => StatementSpan {
  const known = new Map<string, StatementSpan>();
  return (text) => {
    let statement = known.get(text);
    if (!statement) {
      if (known.size >= STATEMENTS_KEPT) known.clear();
      const summary = querySummary(text);
      statement = {
        summary,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: 'postgresql',
          ...where,
          [ATTR_DB_OPERATION_NAME]: summary.split(' ', 1)[0] ?? summary,
          [ATTR_DB_QUERY_SUMMARY]: summary,
          [ATTR_DB_QUERY_TEXT]: text,
        },
      };
      known.set(text, statement);
    }
    return statement;
  };
}
