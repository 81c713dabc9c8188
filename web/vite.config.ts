/**
 * Vite builds the web client into web/dist, which the API serves at /app/ (same origin as the API,
 * so the browser sends `traceparent` to it with no CORS at all). `npm run web:dev` serves it with hot
 * reload on :5173 and proxies the API's paths to FLOWLAB_API (default http://127.0.0.1:8000),
 * so the dev server is same-origin too.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

const api = process.env.FLOWLAB_API ?? 'http://127.0.0.1:8000';
const proxied = ['/auth', '/todos', '/categories', '/users', '/graph', '/debug', '/otlp', '/app/config.json', '/learn'];

export default defineConfig({
  base: '/app/',
  define: { __FLOWLAB_VERSION__: JSON.stringify(version) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
