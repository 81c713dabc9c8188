/**
 * Which log lines a viewer of the log search may read: the rule of the trace list (GET
 * /debug/traces). A trace with an authenticated request in it belongs to that request's user (the
 * authenticate step claims it, telemetry/recent-traces.ts); the admin token reads every trace, and
 * the lines written outside any request (start-up, the worker's drains with no request behind them).
 */
import type { Viewer } from '../http/access.ts';

export interface TraceOwners {
  ownersOf(traceId: string): number[];
}

/**
 * Which lines a viewer may read, as a predicate on their trace id (undefined: outside any trace).
 * A user reads the lines of the traces they authenticated in; the answer per trace is kept for the
 * one search it serves, since a search looks at many lines of the same traces.
 */
export function readableBy(viewer: Viewer, owners: TraceOwners): (traceId: string | undefined) => boolean {
  if (viewer.admin) return () => true;
  const seen = new Map<string, boolean>();
  return (traceId) => {
    if (traceId === undefined) return false;
    let readable = seen.get(traceId);
    if (readable === undefined) {
      readable = owners.ownersOf(traceId).includes(viewer.userId);
      seen.set(traceId, readable);
    }
    return readable;
  };
}
