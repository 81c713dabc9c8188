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
import { ATTR_DB_NAMESPACE } from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';
import { statementSpans } from './statement-spans.ts';

const statement = statementSpans({ [ATTR_DB_NAMESPACE]: 'pglite' });

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

function traceQueries<T extends Queryable>(target: T, faults?: Faults): T {
  const query = target.query.bind(target) as (...args: unknown[]) => Promise<unknown>;
  (target as { query: unknown }).query = (text: string, ...rest: unknown[]) => {
    const { summary, attributes } = statement(text);
    return step(
      summary,
      attributes,
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
