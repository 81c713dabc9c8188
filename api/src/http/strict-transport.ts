/**
 * Strict-Transport-Security only on answers that went out over TLS. A browser ignores HSTS over
 * plain HTTP, and a lab reached at http://localhost should not be told it is an HTTPS site. The API
 * speaks plain HTTP itself, so TLS means a proxy in front of it (TRUST_PROXY > 0) saying
 * `X-Forwarded-Proto: https`; without a trusted proxy the header is the client's own word, ignored.
 */
import { createMiddleware } from 'hono/factory';
import type { HonoEnv } from './env.ts';

export const HSTS = 'max-age=15552000; includeSubDomains';

export function strictTransportOverTls(options: { trustProxy: number }) {
  return createMiddleware<HonoEnv>(async function strictTransportOverTls(c, next) {
    await next();
    if (options.trustProxy === 0) return;
    // The proxy nearest the API writes the last value (nginx: proxy_set_header X-Forwarded-Proto $scheme).
    const proto = c.req.header('X-Forwarded-Proto')?.split(',').at(-1)?.trim().toLowerCase();
    if (proto === 'https') c.header('Strict-Transport-Security', HSTS);
  });
}
