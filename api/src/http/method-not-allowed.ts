/**
 * A path that exists but not for this method is a 405 with an Allow header (RFC 9110 section
 * 15.5.6), not a 404: `DELETE /healthz` tells the client which methods /healthz does answer.
 *
 * Hono only knows "no handler matched", so the app's own route table is asked, at the moment a
 * request found nothing, which methods the same path would have matched. Middleware (`app.use`,
 * method ALL) runs for every method and says nothing about what a path answers, so it is left out.
 */
import type { NotFoundHandler } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import type { RouterRoute } from 'hono/types';
import { ProblemError } from '../errors/problem.ts';
import type { HonoEnv } from './env.ts';
import { problemResponse } from './error-handler.ts';

/** The methods a path answers, in a stable order; HEAD comes with GET (Hono answers it from GET). */
export function allowedMethodsFor(routes: RouterRoute[]): (path: string) => string[] {
  let router: TrieRouter<string> | undefined;
  return (path) => {
    // Built on first use: by then every route is registered.
    if (!router) {
      router = new TrieRouter<string>();
      for (const route of routes) if (route.method !== 'ALL') router.add('ALL', route.path, route.method);
    }
    const methods = new Set(router.match('GET', path)[0].map(([method]) => method));
    if (methods.has('GET')) methods.add('HEAD');
    return ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) => methods.has(method));
  };
}

/** The app's notFound handler: 405 with Allow when the path exists for other methods, else 404. */
export function methodAwareNotFound(routes: RouterRoute[]): NotFoundHandler<HonoEnv> {
  const allowedMethods = allowedMethodsFor(routes);
  return function notFoundOrMethodNotAllowed(c) {
    const { method, path } = c.req;
    const allowed = allowedMethods(path);
    if (allowed.length > 0 && !allowed.includes(method)) {
      return problemResponse(
        c,
        new ProblemError('method-not-allowed', {
          detail: `${path} does not answer ${method}; it answers ${allowed.join(', ')}.`,
          headers: { Allow: allowed.join(', ') },
        }),
      );
    }
    return problemResponse(c, new ProblemError('not-found', { detail: `No route matches ${method} ${path}.` }));
  };
}
