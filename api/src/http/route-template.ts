import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * The route template that answered a request ("/todos/:id"), never the raw path:
 * logs and metrics label by it so that their cardinality stays bounded.
 * Middleware is registered for method ALL, so the last route with a real method is the handler.
 */
export function routeTemplate(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== 'ALL') return route.path;
  }
  return undefined;
}
