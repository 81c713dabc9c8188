/**
 * POST /otlp/v1/traces: the lab's OTLP/HTTP JSON receiver for the web client's spans
 * (see browser-spans.ts). On only in the lab: off when NODE_ENV=production or when the
 * recent-traces store is off, bounded by the API's body limit and a per-address rate.
 *
 * A browser proves who it is with the user's access token (Authorization: Bearer, as for every
 * other call), and writes only into its own traces: a span is refused when its trace is another
 * user's (or one the API already keeps for a request without a token), or when it reuses a span
 * id of the trace (which would re-parent the tree). Refused spans are counted in OTLP's own
 * partialSuccess answer; the rest are kept, charged to the caller's share of the store.
 */
import { Hono } from 'hono';
import { ProblemError } from '../errors/problem.ts';
import type { Authenticate } from '../http/auth.ts';
import type { HonoEnv } from '../http/env.ts';
import { toFieldErrors } from '../http/validation.ts';
import { clientRateLimit } from '../ratelimit/client-rate-limit.ts';
import { rateLimitHeaders } from '../ratelimit/decision.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { RecentTraces } from '../telemetry/recent-traces.ts';
import { untraced } from '../telemetry/tracing.ts';
import { ForeignServiceError, OtlpTraceRequestSchema, toReadableSpans } from './browser-spans.ts';

export function browserSpanRoutes(deps: {
  traces: RecentTraces;
  production: boolean;
  limiter: RateLimiter;
  trustProxy: number;
  authenticate: Authenticate;
}) {
  // Chained: the App type carries the route (the tests' typed client reaches it).
  return new Hono<HonoEnv>().post(
    '/v1/traces',
    async function receiverEnabled(_c, next) {
      if (deps.production || !deps.traces.enabled) {
        throw new ProblemError('not-found', {
          detail: 'The browser-span receiver is on only in the lab, with the recent-traces store on.',
        });
      }
      await next();
    },
    clientRateLimit({ limiter: deps.limiter, scope: 'browser span', trustProxy: deps.trustProxy }),
    async function receiveBrowserSpans(c) {
      // The receiver's own work is not a trace to keep (it would be one more trace per batch).
      const user = await untraced(() => deps.authenticate(c.req.header('Authorization')));
      // The same rate per user as per address: many addresses do not buy one account more room.
      const perUser = await deps.limiter.consume(`browser span:user:${user.id}`);
      if (!perUser.allowed) {
        throw new ProblemError('rate-limited', {
          detail: `Too many browser-span requests for your account; try again in ${perUser.resetSeconds} s.`,
          headers: rateLimitHeaders(perUser),
        });
      }
      if (!/^application\/json\b/i.test(c.req.header('Content-Type') ?? '')) {
        throw new ProblemError('unsupported-media-type', {
          detail: 'Send OTLP/HTTP JSON (Content-Type: application/json); protobuf is for the collector.',
        });
      }
      let body: unknown;
      try {
        body = await c.req.json();
      } catch (cause) {
        throw new ProblemError('malformed-json', { detail: 'The request body is not valid JSON.', cause });
      }
      const parsed = OtlpTraceRequestSchema.safeParse(body);
      if (!parsed.success) {
        const errors = toFieldErrors(parsed.error.issues, 'json').slice(0, 20);
        throw new ProblemError('validation-failed', {
          detail: `Not an OTLP trace request the lab accepts: ${errors.map((e) => e.path).join(', ')}`,
          errors,
        });
      }
      let spans: ReturnType<typeof toReadableSpans>;
      try {
        spans = toReadableSpans(parsed.data);
      } catch (error) {
        if (!(error instanceof ForeignServiceError)) throw error;
        throw new ProblemError('validation-failed', {
          detail: error.message,
          errors: [
            { path: `resourceSpans.${error.index}.resource.attributes`, message: 'service.name must be flowlab-web' },
          ],
        });
      }
      // Decided for the whole batch before any span is kept: a batch's own spans may be parents of
      // each other, but not repeat an id.
      const refusals = new Map<string, number>();
      const accepted: typeof spans = [];
      const seen = new Set<string>();
      for (const span of spans) {
        const { traceId, spanId } = span.spanContext();
        const reason =
          span.parentSpanContext?.spanId === spanId || seen.has(`${traceId}/${spanId}`)
            ? 'reuses a span id of the trace'
            : deps.traces.refusalFor(traceId, spanId, user.id);
        seen.add(`${traceId}/${spanId}`);
        if (reason) refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
        else accepted.push(span);
      }
      for (const span of accepted) {
        deps.traces.claim(span.spanContext().traceId, user.id);
        deps.traces.onEnd(span);
      }
      if (refusals.size === 0) return c.json({ partialSuccess: {} }, 200);
      // OTLP's answer for a batch kept in part: how many spans were refused, and why.
      const rejected = spans.length - accepted.length;
      const reasons = [...refusals].map(([reason, count]) => `${count} ${count === 1 ? 'span' : 'spans'} ${reason}`);
      return c.json({ partialSuccess: { rejectedSpans: String(rejected), errorMessage: reasons.join('; ') } }, 200);
    },
  );
}
