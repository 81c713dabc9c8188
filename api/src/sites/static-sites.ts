/**
 * The lab's pages, served by the API on its own origin: the walkthrough (docs/, an Astro build)
 * at /learn/ and the web client (web/, a Vite build) at /app/. Sharing the API's origin means no
 * CORS and no browser prompt for local-network access between a page and the API it calls.
 *
 * `npm start` builds each site when its sources changed (scripts/build-sites.ts); a site that was
 * never built is simply absent, and the API works without it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { HonoEnv } from '../http/env.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface Site {
  /** Where it is served, with a trailing slash: "/learn/". */
  mount: string;
  /** The build's folder. */
  root: string;
  /** A single-page app answers every unknown path under its mount with its index.html. */
  spa: boolean;
}

export const defaultSites = (dirs: { docs?: string; web?: string } = {}): Site[] => [
  { mount: '/learn/', root: dirs.docs ?? join(repoRoot, 'docs/dist'), spa: false },
  { mount: '/app/', root: dirs.web ?? join(repoRoot, 'web/dist'), spa: true },
];

export const isBuilt = (site: Site) => existsSync(join(site.root, 'index.html'));

/** Hashed build assets never change under the same name; HTML must be revalidated every time. */
function cacheControl(path: string): string {
  return /\/(_astro|assets)\//.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** The built sites' files, each under its mount; a site never built is left out. */
export function siteRoutes(sites: Site[]) {
  const app = new Hono<HonoEnv>();
  for (const site of sites.filter(isBuilt)) {
    const bare = site.mount.slice(0, -1);
    app.get(bare, (c) => c.redirect(site.mount, 301));
    const files = serveStatic<HonoEnv>({
      root: site.root,
      rewriteRequestPath: (path) => path.slice(bare.length) || '/',
      // A missing file must not be cached as if it were a hashed asset.
      onNotFound: (_path, c) => {
        c.header('Cache-Control', undefined);
      },
    });
    app.use(`${site.mount}*`, (c, next) => {
      c.header('Cache-Control', cacheControl(c.req.path));
      return files(c, next);
    });
    if (site.spa) {
      const index = serveStatic<HonoEnv>({ root: site.root, path: 'index.html' });
      app.get(`${site.mount}*`, async (c, next) => {
        // A missing asset stays a 404; only page routes fall back to the app's shell.
        if (/\.[a-z0-9]+$/i.test(c.req.path)) return next();
        c.header('Cache-Control', 'no-cache');
        return index(c, next);
      });
    }
  }
  return app;
}
