/**
 * The lab's pages on the API's own origin (/learn/, /app/) and CORS for their dev servers.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const devOrigin = 'http://localhost:4321';

describe.each(backends)('the lab pages and CORS on $name', (backend) => {
  let database: TestDatabase;
  let t: TestApp;
  let folder: string;

  beforeAll(async () => {
    database = await backend.create();
    folder = await mkdtemp(join(tmpdir(), 'flowlab-sites-'));
    await mkdir(join(folder, 'docs/_astro'), { recursive: true });
    await mkdir(join(folder, 'docs/steps/authenticate'), { recursive: true });
    await writeFile(join(folder, 'docs/index.html'), '<h1>walkthrough</h1>');
    await writeFile(join(folder, 'docs/steps/authenticate/index.html'), '<h1>authenticate</h1>');
    await writeFile(join(folder, 'docs/_astro/page.abc123.js'), 'console.log(1)');
    await mkdir(join(folder, 'web/assets'), { recursive: true });
    await writeFile(join(folder, 'web/index.html'), '<div id="app"></div>');
    await writeFile(join(folder, 'web/assets/index.def456.js'), 'console.log(2)');
    // Links inside a site's folder that point out of it: a file, and a folder.
    await writeFile(join(folder, 'secret.txt'), 'outside the site');
    await symlink(join(folder, 'secret.txt'), join(folder, 'docs/leak.txt'));
    await symlink(folder, join(folder, 'web/assets/up'));
    t = createTestApp(database, {
      DOCS_DIST_DIR: join(folder, 'docs'),
      WEB_DIST_DIR: join(folder, 'web'),
      CORS_ORIGINS: `${devOrigin}, http://127.0.0.1:5173`,
    });
  });
  afterAll(async () => {
    await database?.destroy();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves the walkthrough at /learn/, its pages as folders, and redirects /learn', async () => {
    const index = await t.send('GET', '/learn/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.text).toContain('walkthrough');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect((await t.send('GET', '/learn/steps/authenticate/')).text).toContain('authenticate');
    const bare = await t.send('GET', '/learn');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/learn/');
    const asset = await t.send('GET', '/learn/_astro/page.abc123.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('answers an unknown walkthrough page with the one problem shape', async () => {
    const missing = await t.send('GET', '/learn/no-such-page/');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('serves the web client at /app/ and its shell for any page route, not for a missing asset', async () => {
    expect((await t.send('GET', '/app/')).text).toContain('id="app"');
    const route = await t.send('GET', '/app/todos/42');
    expect(route.status).toBe(200);
    expect(route.text).toContain('id="app"');
    expect((await t.send('GET', '/app/assets/missing.js')).status).toBe(404);
  });

  it('refuses a path that climbs out of the site folder', async () => {
    const climb = await t.send('GET', '/learn/..%2f..%2fpackage.json');
    expect(climb.status).toBe(404);
    expect(climb.text).not.toContain('"name"');
  });

  it('never follows a symlink out of the site folder', async () => {
    for (const path of ['/learn/leak.txt', '/app/assets/up/secret.txt']) {
      const leak = await t.send('GET', path);
      expect(leak.status, path).toBe(404);
      expect(leak.text, path).not.toContain('outside the site');
    }
  });

  it('ignores a Range it cannot read, and answers one it cannot satisfy with a 416 problem, not cached', async () => {
    const garbage = await t.send('GET', '/learn/_astro/page.abc123.js', { headers: { Range: 'bytes=abc' } });
    expect(garbage.status).toBe(200);
    expect(garbage.text).toBe('console.log(1)');
    const several = await t.send('GET', '/learn/_astro/page.abc123.js', { headers: { Range: 'bytes=0-1,4-5' } });
    expect(several.status).toBe(200);
    const part = await t.send('GET', '/learn/_astro/page.abc123.js', { headers: { Range: 'bytes=0-6' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe('console');
    const beyond = await t.send('GET', '/learn/_astro/page.abc123.js', { headers: { Range: 'bytes=999-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-type')).toBe('application/problem+json');
    expect(beyond.headers.get('content-range')).toBe('bytes */14');
    expect(beyond.headers.get('cache-control')).not.toContain('immutable');
    expect(beyond.json.type).toBe('/problems/range-not-satisfiable');
  });

  it('sends Strict-Transport-Security only over TLS (a trusted proxy saying https)', async () => {
    expect((await t.send('GET', '/learn/')).headers.get('strict-transport-security')).toBeNull();
    expect((await t.send('GET', '/healthz')).headers.get('strict-transport-security')).toBeNull();
    // A client's own X-Forwarded-Proto means nothing without a trusted proxy.
    const forged = await t.send('GET', '/healthz', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
    const proxied = createTestApp(database, { TRUST_PROXY: '1' });
    const overTls = await proxied.send('GET', '/healthz', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
  });

  it('sends a Content-Security-Policy on /learn/ and /app/ that allows their inline scripts by hash only', async () => {
    for (const path of ['/learn/', '/app/', '/app/todos/42']) {
      const policy = (await t.send('GET', path)).headers.get('content-security-policy') ?? '';
      expect(policy, path).toContain("script-src 'self'");
      expect(policy, path).not.toContain("'unsafe-inline' 'sha256");
      expect(policy, path).toContain("object-src 'none'");
    }
  });

  it('names the built sites on the index', async () => {
    const index = await t.send('GET', '/');
    expect(index.json.links).toMatchObject({ walkthrough: '/learn/', web: '/app/' });
  });

  it('answers a preflight from an allowed origin with the trace headers allowed', async () => {
    const preflight = await t.send('OPTIONS', '/todos', {
      headers: {
        Origin: devOrigin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, traceparent',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(devOrigin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('traceparent');
  });

  it('puts CORS on errors too, exposing the headers a page reads', async () => {
    const denied = await t.send('GET', '/todos', { headers: { Origin: devOrigin } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(devOrigin);
    const exposed = denied.headers.get('access-control-expose-headers') ?? '';
    for (const header of ['traceresponse', 'server-timing', 'x-request-id', 'retry-after', 'ratelimit-remaining'])
      expect(exposed).toContain(header);
    expect(denied.headers.get('timing-allow-origin')).toBe(devOrigin);
  });

  it('gives another origin nothing', async () => {
    const other = await t.send('GET', '/healthz', { headers: { Origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('timing-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS', () => {
  it('defaults to the dev servers in development and to none elsewhere', () => {
    expect(loadConfig({}).CORS_ORIGINS).toContain('http://localhost:4321');
    expect(loadConfig({}).CORS_ORIGINS).toContain('http://localhost:5173');
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).CORS_ORIGINS).toEqual([]);
  });

  it('refuses an entry that is not an origin URL, naming the variable', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'localhost:4321' })).toThrow(/CORS_ORIGINS/);
  });
});
