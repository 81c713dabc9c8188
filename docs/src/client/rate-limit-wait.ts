/**
 * The create rate limit (step 5: 10 creates a minute) is met on purpose on one page and by accident
 * on the next ones. Instead of failing, a panel says how many seconds remain and counts them down:
 * from the answer's RateLimit-Reset / Retry-After when the page sent the request, from the refused
 * create's `rate limit decision` span (flowlab.rate_limit.reset_seconds) when the learner's shell did.
 */
import { allSpans, apiBase, readTrace, type SpanNode } from './lab.ts';

/** Seconds until a create is let through again, from a refused answer's headers. */
export function secondsFromHeaders(headers: Headers): number | undefined {
  const value = Number(headers.get('ratelimit-reset') ?? headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function refusalIn(spans: SpanNode[]): SpanNode | undefined {
  return spans.find((s) => s.name === 'rate limit decision' && s.attributes['flowlab.rate_limit.allowed'] === false);
}

/** Seconds still to wait, from a trace whose rate limit decision said no; undefined when none or over. */
export function secondsFromTrace(spans: SpanNode[]): number | undefined {
  const refused = refusalIn(spans);
  if (!refused) return undefined;
  // Without the reset (an older API), the window's length is an upper bound.
  const reset = Number(refused.attributes['flowlab.rate_limit.reset_seconds'] ?? 60);
  const waited = (Date.now() - (refused.startTime + refused.durationMs)) / 1000;
  const left = Math.ceil(reset - waited);
  return left > 0 ? left : undefined;
}

interface Summary {
  traceId: string;
  method?: string;
  route?: string;
  statusCode?: number;
  startTime: string;
}

/** The window's length: the API's default (TODO_CREATE_WINDOW_SECONDS). */
const WINDOW_SECONDS = 60;
/** Answers a create gets before the rate limit decision runs: they take no slot. */
const BEFORE_THE_LIMIT = new Set([400, 401, 403, 413, 415, 422, 429]);

async function recentCreates(token: string): Promise<Summary[]> {
  const response = await fetch(`${apiBase}/debug/traces?route=${encodeURIComponent('/todos')}&limit=50`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) return [];
  const { items } = (await response.json()) as { items: Summary[] };
  return items.filter(
    (i) => i.method === 'POST' && Date.now() - Date.parse(i.startTime) < WINDOW_SECONDS * 1000 + 5000,
  );
}

/**
 * How long to wait, when the learner met the create rate limit, so that the `needed` creates of
 * the exercise's commands all fit at once (one countdown, one new attempt): until enough of their
 * creates still in the window have left it, and at least the refusal's own reset. `spans` is the
 * attempt's trace; without a refusal in it, one of their creates refused within the last minute
 * counts too (a create their shell sent before the traced one). Undefined when the limit is not met.
 */
export async function rateLimitWait(token: string, spans: SpanNode[], needed = 1): Promise<number | undefined> {
  const creates = await recentCreates(token).catch(() => []);
  let refusal = refusalIn(spans);
  if (!refusal) {
    const refused = creates.find((i) => i.statusCode === 429);
    const tree = refused && (await readTrace(refused.traceId));
    refusal = tree ? refusalIn(allSpans(tree)) : undefined;
  }
  const reset = refusal && secondsFromTrace([refusal]);
  if (!refusal || !reset) return undefined;
  const limit = Number(refusal.attributes['flowlab.rate_limit.limit'] ?? 10);
  // Oldest first: the first `taken.length - (limit - needed)` of them must leave the window.
  const taken = creates
    .filter((i) => i.statusCode !== undefined && !BEFORE_THE_LIMIT.has(i.statusCode))
    .map((i) => Date.parse(i.startTime))
    .sort((a, b) => a - b);
  const mustLeave = Math.min(taken.length, taken.length - (limit - Math.min(needed, limit)));
  const last = taken[mustLeave - 1];
  const enough = last === undefined ? 0 : Math.ceil((last + WINDOW_SECONDS * 1000 - Date.now()) / 1000);
  return Math.max(reset, enough);
}

/** Calls `tick` with the seconds left as they change, then `done`; returns a function that stops it. */
export function countDown(seconds: number, tick: (left: number) => void, done: () => void): () => void {
  const until = Date.now() + seconds * 1000;
  let timer: ReturnType<typeof setInterval> | undefined;
  let shown = 0;
  const step = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    // Once a second, not at every check: the text is a live region a screen reader reads out.
    if (left > 0) {
      if (left !== shown) {
        shown = left;
        tick(left);
      }
      return;
    }
    clearInterval(timer);
    done();
  };
  timer = setInterval(step, 250);
  step();
  return () => clearInterval(timer);
}
