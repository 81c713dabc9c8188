/**
 * POST /otlp/v1/traces: the lab's OTLP/HTTP JSON receiver for the web client's spans
 * (see browser-spans.ts). On only in the lab: off when NODE_ENV=production or when the
 * recent-traces store is off, bounded by the API's body limit and a per-address rate.
 */
import { Hono } from 'hono';
import { ProblemError } from '../errors/problem.ts';
import type { HonoEnv } from '../http/env.ts';
import { toFieldErrors } from '../http/validation.ts';
import { clientRateLimit } from '../ratelimit/client-rate-limit.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { RecentTraces } from '../telemetry/recent-traces.ts';
import { ForeignServiceError, OtlpTraceRequestSchema, toReadableSpans } from './browser-spans.ts';

export function browserSpanRoutes(deps: {
  traces: RecentTraces;
  production: boolean;
  limiter: RateLimiter;
  trustProxy: number;
}) {
  const router = new Hono<HonoEnv>();
  router.post(
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
      for (const span of spans) deps.traces.onEnd(span);
      // OTLP's answer: everything accepted.
      return c.json({ partialSuccess: {} }, 200);
    },
  );
  return router;
}
