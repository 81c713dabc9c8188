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

/** Seconds still to wait, from a trace whose rate limit decision said no; undefined when none or over. */
export function secondsFromTrace(spans: SpanNode[]): number | undefined {
  const refused = spans.find(
    (s) => s.name === 'rate limit decision' && s.attributes['flowlab.rate_limit.allowed'] === false,
  );
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
  statusCode?: number;
  startTime: string;
}

/**
 * Whether one of the learner's own creates was refused within the last minute and the window is
 * still closed (a create their shell sent without the exercise's traceparent, for instance).
 */
export async function openRefusal(token: string): Promise<number | undefined> {
  const response = await fetch(`${apiBase}/debug/traces?route=${encodeURIComponent('/todos')}&limit=30`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) return undefined;
  const { items } = (await response.json()) as { items: Summary[] };
  const refused = items.find(
    (i) => i.method === 'POST' && i.statusCode === 429 && Date.now() - Date.parse(i.startTime) < 65_000,
  );
  if (!refused) return undefined;
  const tree = await readTrace(refused.traceId);
  return tree ? secondsFromTrace(allSpans(tree)) : undefined;
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
