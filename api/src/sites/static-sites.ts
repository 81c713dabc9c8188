/**
 * The lab's pages, served by the API on its own origin: the walkthrough (docs/, an Astro build)
 * at /learn/ and the web client (web/, a Vite build) at /app/. Sharing the API's origin means no
 * CORS and no browser prompt for local-network access between a page and the API it calls.
 *
 * `npm start` builds each site when its sources changed (scripts/build-sites.ts); a site that was
 * never built is simply absent, and the API works without it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import { ProblemError } from '../errors/problem.ts';
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

/** One range of bytes, as RFC 9110 writes it: `bytes=10-20`, `bytes=10-`, `bytes=-20`. */
const SINGLE_RANGE = /^bytes=(?:\d{1,15}-\d{0,15}|-\d{1,15})$/;

/**
 * True when the file a path names is inside the site's folder once every link is resolved: a
 * symlink in a build (docs/dist, web/dist) must not serve what lies outside it. A path that does
 * not exist is left to the static handler (a 404).
 */
function staysInside(rootReal: string, root: string, relative: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURI(relative);
  } catch {
    return true;
  }
  const target = join(root, decoded);
  if (!existsSync(target)) return true;
  try {
    const real = realpathSync(target);
    return real === rootReal || real.startsWith(rootReal + sep);
  } catch {
    return false;
  }
}

/** A Range the handler would misread is dropped (the whole file, 200); only one plain range is served. */
function dropUnreadableRange(c: Context<HonoEnv>): void {
  const range = c.req.header('Range');
  if (range === undefined || SINGLE_RANGE.test(range.trim())) return;
  c.req.raw.headers.delete('Range');
}

/** The HTML files a build holds (bounded: a build is tens of pages, never thousands). */
function htmlFiles(root: string, limit = 2000): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (found.length >= limit) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.html')) found.push(path);
    }
  };
  walk(root);
  return found;
}

/**
 * The Content-Security-Policy for a site: its own scripts only, and the inline scripts its build
 * wrote (Starlight's theme and sidebar scripts) by their SHA-256, read once from its HTML at start.
 * Pagefind (the walkthrough's search) runs WebAssembly: 'wasm-unsafe-eval'. Pages may call the API
 * (same origin) and the collector the web client sends its spans to (`connectSources`).
 */
export function contentSecurityPolicy(root: string, connectSources: string[] = []): string {
  const hashes = new Set<string>();
  for (const file of htmlFiles(root)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      const [, attributes = '', body = ''] = match;
      if (/\bsrc=/.test(attributes) || body.length === 0) continue;
      hashes.add(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
    }
  }
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${[...hashes].join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** The built sites' files, each under its mount; a site never built is left out. */
export function siteRoutes(sites: Site[], options: { connectSources?: string[] } = {}) {
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
    const rootReal = realpathSync(site.root);
    const policy = contentSecurityPolicy(site.root, options.connectSources);
    app.use(`${site.mount}*`, async (c, next) => {
      c.header('Content-Security-Policy', policy);
      if (!staysInside(rootReal, site.root, c.req.path.slice(bare.length) || '/')) {
        throw new ProblemError('not-found', { detail: `Nothing is served at ${c.req.path}.` });
      }
      dropUnreadableRange(c);
      c.header('Cache-Control', cacheControl(c.req.path));
      const answer = await files(c, next);
      if (answer?.status === 416) {
        // The handler's own 416 is an empty body with the asset's `immutable` header: the one problem shape instead.
        const size = answer.headers.get('Content-Range') ?? '';
        c.header('Cache-Control', undefined);
        throw new ProblemError('range-not-satisfiable', {
          detail: `The range ${c.req.header('Range')} lies outside the file (${size.replace('bytes */', '')} bytes).`,
          headers: { 'Content-Range': size, 'Cache-Control': 'no-store' },
        });
      }
      return answer;
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
