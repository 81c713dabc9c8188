/** One log line per request: method, route template, status, duration and request id. */
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { HonoEnv } from './env.ts';
import { routeTemplate } from './route-template.ts';

export function requestLog(logger: Logger) {
  return createMiddleware<HonoEnv>(async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routeTemplate(c) ?? 'unmatched',
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      userId: c.get('user')?.id,
    };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  });
}
