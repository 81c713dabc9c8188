/**
 * GET /reference: the API reference (Swagger UI), working offline and under a Content-Security-Policy.
 * Its script and stylesheet come from the installed swagger-ui-dist package, served by the API under
 * /reference/ (a lab in a classroom may have no internet, and a CDN script without a pinned version
 * or integrity check can change under us). "Try it out" sends the request from the page to this API.
 *
 * Why Swagger UI and not Scalar: Scalar's package brought about 300 MB and 200 packages (Vue, an AI
 * chat, icon sets) to serve one bundle; swagger-ui-dist is the prebuilt bundle alone (13 MB, no
 * dependency worth the name).
 *
 * Each page gets a fresh nonce: the page's one inline script carries it, so no other inline script runs.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Context, Hono } from 'hono';
import type { HonoEnv } from './env.ts';

/** The package's files the page loads, served at /reference/<name>. */
export const referenceAssets = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
} as const;

/** Where an asset lies in the installed package (its main entry, index.js, sits at the package root). */
export function referenceAssetFile(name: keyof typeof referenceAssets): URL {
  return new URL(name, import.meta.resolve('swagger-ui-dist'));
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // The UI sets style attributes of its own (React), and a nonce in style-src would switch
    // 'unsafe-inline' off: styles stay inline-able, scripts do not.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

function page(options: { openapiUrl: string; pageTitle: string; nonce: string }): string {
  const settings = JSON.stringify({
    url: options.openapiUrl,
    dom_id: '#reference',
    deepLinking: true,
    // "Try it out" open on every operation: the lab is for trying.
    tryItOutEnabled: true,
    // The default validator badge calls a host on the internet: none.
    validatorUrl: null,
    displayRequestDuration: true,
  }).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${options.pageTitle.replace(/[<&"]/g, '')}</title>
    <link rel="stylesheet" href="/reference/swagger-ui.css" />
  </head>
  <body>
    <main id="reference"></main>
    <script nonce="${options.nonce}" src="/reference/swagger-ui-bundle.js"></script>
    <script nonce="${options.nonce}">window.ui = SwaggerUIBundle(${settings});</script>
  </body>
</html>
`;
}

export function apiReferenceRoutes(options: { openapiUrl: string; pageTitle: string }) {
  // Read once, on first use: 2 MB that most runs never ask for.
  const asset = (name: keyof typeof referenceAssets) => {
    let file: Promise<Buffer> | undefined;
    return async (c: Context<HonoEnv>) => {
      file ??= readFile(referenceAssetFile(name));
      return c.body(new Uint8Array(await file), 200, {
        'Content-Type': referenceAssets[name],
        'Cache-Control': 'public, max-age=3600',
      });
    };
  };
  // Chained: the App type carries each route.
  return new Hono<HonoEnv>()
    .get('/reference', (c) => {
      const nonce = randomBytes(16).toString('base64');
      return c.html(page({ ...options, nonce }), 200, { 'Content-Security-Policy': contentSecurityPolicy(nonce) });
    })
    .get('/reference/swagger-ui-bundle.js', asset('swagger-ui-bundle.js'))
    .get('/reference/swagger-ui.css', asset('swagger-ui.css'));
}
