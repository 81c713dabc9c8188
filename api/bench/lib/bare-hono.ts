/**
 * The bare baseline: the API's own HTTP stack (hono and @hono/node-server, resolved from the
 * API's dependencies, so the same versions) with one JSON route and nothing else. What the API
 * adds on top of this is what its middleware, auth, cache and telemetry cost.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.json({ items: [{ id: 1, title: 'bare' }], nextCursor: null }));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
