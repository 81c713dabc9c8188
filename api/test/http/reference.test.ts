/**
 * /reference works offline and under a Content-Security-Policy: its script and stylesheet come
 * from the installed swagger-ui-dist package, served by the API itself, not from a CDN.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceAssetFile, referenceAssets } from '../../src/http/api-reference.ts';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('GET /reference', () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await pgliteBackend.create();
    t = createTestApp(database);
  });
  afterAll(async () => database?.destroy());

  it('loads no script from another origin, and sends a CSP with a fresh nonce', async () => {
    const first = await t.send('GET', '/reference');
    expect(first.status).toBe(200);
    // Every script and stylesheet is the API's own: no https:// source, no CDN.
    expect(first.text).not.toMatch(/<script[^>]+src="https?:/);
    expect(first.text).not.toContain('cdn.jsdelivr');
    expect(first.text).toContain('src="/reference/swagger-ui-bundle.js"');
    expect(first.text).toContain('href="/reference/swagger-ui.css"');
    expect(first.text).toContain('"url":"/openapi.json"');
    const csp = first.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toMatch(/script-src 'self' 'nonce-/);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    // Every inline script carries that nonce, and the next page gets another.
    const scripts = [...first.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(1);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
    const second = await t.send('GET', '/reference');
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
  });

  it.each(Object.entries(referenceAssets))("serves the installed package's %s", async (name, contentType) => {
    const response = await t.send('GET', `/reference/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    const installed = await readFile(referenceAssetFile(name as keyof typeof referenceAssets), 'utf8');
    expect(response.text.length).toBe(installed.length);
  });
});
