/**
 * Who may read what in the lab's views of its own signals: one decision for traces and their logs.
 * A trace with an authenticated request in it belongs to that request's user (the authenticate
 * step claims it, telemetry/recent-traces.ts); the admin token reads every trace, and the log
 * lines written outside any request (start-up, the worker's drains with no request behind them).
 */
import type { Authenticate } from '../http/auth.ts';
import { untraced } from '../telemetry/tracing.ts';

export type Viewer = { admin: true } | { admin: false; userId: number };

export interface TraceOwners {
  ownersOf(traceId: string): number[];
}

/** The viewer a bearer token names: the admin, or a user (a 401 or 403 problem otherwise). */
export async function viewerOf(
  deps: { isAdmin: (authorization: string | undefined) => boolean; authenticate: Authenticate },
  authorization: string | undefined,
): Promise<Viewer> {
  if (deps.isAdmin(authorization)) return { admin: true };
  // The viewer's own lookup would otherwise be a trace of its own (PGlite's spans need no parent).
  const user = await untraced(() => deps.authenticate(authorization));
  return { admin: false, userId: user.id };
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
