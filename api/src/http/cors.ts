/**
 * CORS for the lab's own pages when they run on a dev server (Astro on :4321, Vite on :5173).
 * Served from the API itself (/learn/, /app/), the pages share its origin and need none of this.
 *
 * Mounted before everything else, so a 401, 413 or 429 carries the headers too: without them the
 * browser hides the problem+json body and the page can only say "network error".
 * The trace headers are what a learner's page reads: `traceparent` goes in (the click's span
 * becomes the API span's parent), `traceresponse` and `Server-Timing` come out.
 */
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { HonoEnv } from './env.ts';

const allowHeaders = ['authorization', 'content-type', 'traceparent', 'tracestate', 'x-request-id'];
const exposeHeaders = [
  'traceresponse',
  'server-timing',
  'x-request-id',
  'x-cache',
  'location',
  'retry-after',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];

export function crossOrigin(options: { origins: readonly string[] }) {
  const allowed = new Set(options.origins);
  const handler = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders,
    exposeHeaders,
    maxAge: 600,
  });
  return createMiddleware<HonoEnv>(async function crossOrigin(c, next) {
    const origin = c.req.header('Origin');
    if (!origin || !allowed.has(origin)) return next();
    // Without Timing-Allow-Origin the browser zeroes Server-Timing for another origin's page.
    c.header('Timing-Allow-Origin', origin);
    return handler(c, next);
  });
}
