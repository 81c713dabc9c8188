/**
 * GET /reference: the Scalar API reference, working offline and under a Content-Security-Policy.
 * Its script is the installed @scalar/api-reference package's standalone bundle, served by the API
 * at /reference/standalone.js (a lab in a classroom may have no internet, and a CDN script without
 * a pinned version or integrity check can change under us). Each page gets a fresh nonce: the
 * page's inline scripts carry it, so no other inline script runs (styles are allowed inline: see below).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import type { HonoEnv } from './env.ts';

const STANDALONE_PATH = '/reference/standalone.js';

// The package's main entry is dist/index.js; the browser bundle sits beside it.
const standaloneFile = fileURLToPath(new URL('browser/standalone.js', import.meta.resolve('@scalar/api-reference')));

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // The bundle inserts <style> elements of its own without the nonce (Chromium reports them), and a
    // nonce in style-src would switch 'unsafe-inline' off: styles stay inline-able, scripts do not.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function apiReferenceRoutes(options: { openapiUrl: string; pageTitle: string }) {
  const page = Scalar<HonoEnv>({
    url: options.openapiUrl,
    pageTitle: options.pageTitle,
    cdn: STANDALONE_PATH,
    // The default fonts come from Scalar's font host: the page uses the system's instead.
    withDefaultFonts: false,
  });

  // Read once, on first use: 5 MB that most runs never ask for.
  let bundle: Promise<Buffer> | undefined;
  return new Hono<HonoEnv>()
    .get('/reference', async (c) => {
      // Scalar writes the page; the nonce then goes on every <script> and <style> of it.
      const rendered = (await page(c, async () => {})) as Response;
      const html = await rendered.text();
      const nonce = randomBytes(16).toString('base64');
      const withNonce = html
        .replace(/<(script|style)\b/g, `<$1 nonce="${nonce}"`)
        .replace('<head>', `<head>\n    <meta property="csp-nonce" content="${nonce}" />`);
      return c.html(withNonce, 200, { 'Content-Security-Policy': contentSecurityPolicy(nonce) });
    })
    .get(STANDALONE_PATH, async (c) => {
      bundle ??= readFile(standaloneFile);
      return c.body(new Uint8Array(await bundle), 200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'public, max-age=3600',
      });
    });
}
