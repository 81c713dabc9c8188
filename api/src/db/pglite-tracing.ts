/**
 * PGlite runs inside the process, so no library sees its queries. This gives each one the
 * CLIENT span that pg-tracing.ts gives a PostgreSQL server's, with the same name
 * (`INSERT todos`, db-query-summary.ts) and attributes, so the embedded lab's traces and
 * Server-Timing show the database too, in the same words.
 * The lab's `postgresql` fault switch acts inside that span: an injected delay lengthens it and
 * an injected error turns it red, as a slow or failing server would.
 */

import type { PGlite, Transaction } from '@electric-sql/pglite';
import { SpanKind } from '@opentelemetry/api';
import type { Faults } from '../lab/faults.ts';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
} from '../telemetry/attributes.ts';
import { ATTR_DB_QUERY_SUMMARY, querySummary } from '../telemetry/db-query-summary.ts';
import { step } from '../telemetry/tracing.ts';

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

function traceQueries<T extends Queryable>(target: T, faults?: Faults): T {
  const query = target.query.bind(target) as (...args: unknown[]) => Promise<unknown>;
  (target as { query: unknown }).query = (text: string, ...rest: unknown[]) => {
    const summary = querySummary(text);
    return step(
      summary,
      {
        [ATTR_DB_SYSTEM_NAME]: 'postgresql',
        [ATTR_DB_NAMESPACE]: 'pglite',
        [ATTR_DB_OPERATION_NAME]: summary.split(' ', 1)[0] ?? summary,
        [ATTR_DB_QUERY_SUMMARY]: summary,
        [ATTR_DB_QUERY_TEXT]: text,
      },
      async () => {
        await faults?.before('postgresql');
        return query(text, ...rest);
      },
      { kind: SpanKind.CLIENT },
    );
  };
  return target;
}

/** Wraps the client's queries, and those of every transaction it opens. */
export function tracePglite(client: PGlite, faults?: Faults): PGlite {
  traceQueries(client, faults);
  const transaction = client.transaction.bind(client);
  client.transaction = ((callback: (tx: Transaction) => Promise<unknown>) =>
    transaction((tx) => callback(traceQueries(tx, faults)))) as PGlite['transaction'];
  return client;
}
