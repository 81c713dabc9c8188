/**
 * A PostgreSQL statement's CLIENT span, made by the pool's own client class: the same span
 * (`INSERT todos`, db-query-summary.ts) and attributes as the embedded PGlite's
 * (pglite-tracing.ts), from the same `step`, so both labs read alike.
 *
 * Made here rather than by @opentelemetry/instrumentation-pg because of its cost: about 15 µs of
 * its own CPU a statement, plus its metrics and a slower path through pg's Query (bench/README.md,
 * "Lean"), for a span the lab can make for a third of that. What it did that matters is kept:
 * the statement with its placeholders, never the values; no span outside a traced request
 * (its `requireParentSpan`); no span per pool checkout.
 *
 * The lab's `postgresql` fault switch acts inside the span: an injected delay lengthens it and an
 * injected error turns it red, as a slow or failing server would (as on PGlite).
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import pg from 'pg';
import type { Faults } from '../lab/faults.ts';
import { ATTR_DB_NAMESPACE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '../telemetry/attributes.ts';
import { step } from '../telemetry/tracing.ts';
import { statementSpans } from './statement-spans.ts';

/** Where the statements go, for every span: the database's name and its server. */
export interface PostgresTarget {
  database: string;
  host: string;
  port: number;
}

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * A pg Client whose statements each run in a CLIENT span, after the lab's fault switch: drizzle's
 * own calls (promise style) and pool.query's (callback style, which is how the pool runs a plain
 * query). A submittable (a cursor, a stream) passes through untouched.
 */
export function tracedClient(target: PostgresTarget, faults?: Faults): typeof pg.Client {
  const statement = statementSpans({
    [ATTR_DB_NAMESPACE]: target.database,
    [ATTR_SERVER_ADDRESS]: target.host,
    [ATTR_SERVER_PORT]: target.port,
  });

  function run(text: string, send: () => Promise<unknown>): Promise<unknown> {
    const work = faults ? () => faults.before('postgresql').then(send) : send;
    // No traced request around it (start-up checks, the pool's own work): no span, no orphan trace.
    if (!trace.getActiveSpan()) return work();
    const { summary, attributes } = statement(text);
    return step(summary, attributes, work, { kind: SpanKind.CLIENT });
  }

  return class TracedClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; arguments pass through untouched.
    override query(...args: any[]): any {
      const config = args[0];
      const query = super.query.bind(this) as (...a: unknown[]) => unknown;
      if (typeof config?.submit === 'function') return query(...args);
      const text: string = typeof config === 'string' ? config : String(config?.text ?? '');
      const callback = args.at(-1);
      if (typeof callback !== 'function') return run(text, () => query(...args) as Promise<unknown>);
      const rest = args.slice(0, -1);
      const send = () =>
        new Promise((resolve, reject) =>
          query(...rest, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result))),
        );
      run(text, send).then(
        (result) => (callback as Callback)(null, result),
        (error: Error) => (callback as Callback)(error),
      );
      return undefined;
    }
  };
}

/**
 * A pool whose waiting queries keep their caller's context. pg-pool hands a freed client to the
 * next waiting query from inside the release of whoever freed it, so a query that waited for a
 * connection would otherwise run, and be traced, in that other request's context: one user's trace
 * would show another's statement (test/http/pg-span-context.test.ts). A connect with a callback
 * (how pool.query waits) gets the callback bound to the context it was asked from; a promise keeps
 * its awaiting caller's context by itself.
 */
export class ContextKeepingPool extends pg.Pool {
  // biome-ignore lint/suspicious/noExplicitAny: pg-pool's connect has a promise form and a callback form.
  override connect(callback?: any): any {
    return typeof callback === 'function' ? super.connect(context.bind(context.active(), callback)) : super.connect();
  }
}
