/** GET /: what this server is and where to go from here (the reference, the health probes, the sites built). */
import { Hono } from 'hono';
import type { HonoEnv } from '../http/env.ts';
import { API_VERSION } from '../version.ts';
import { isBuilt, type Site } from './static-sites.ts';

export function homeRoutes(options: { databaseKind: string; sites: Site[] }) {
  const built = options.sites.filter(isBuilt);
  return new Hono<HonoEnv>().get('/', (c) =>
    c.json({
      name: 'Flowlab API',
      version: API_VERSION,
      database: options.databaseKind,
      links: {
        reference: '/reference',
        openapi: '/openapi.json',
        health: '/healthz',
        ready: '/readyz',
        ...Object.fromEntries(built.map((site) => [site.mount === '/learn/' ? 'walkthrough' : 'web', site.mount])),
      },
    }),
  );
}
