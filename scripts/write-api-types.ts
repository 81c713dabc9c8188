/**
 * The API's types for the other workspaces, generated from the OpenAPI document the API serves:
 * web/ and load-tests/ import `@flowlab/api/api-types` (components['schemas']['Todo'] ...) instead
 * of typing the API's shapes again by hand. Run after changing a route's schema:
 *
 *   npm run api:types
 *
 * api/test/unit/api-types.test.ts fails while the committed file is behind the API.
 * openapi-typescript rather than Hono's typed client (hc<App>): the client's types reach into the
 * API's own source (pino, pg, Node's types), which the browser and k6 workspaces cannot compile.
 */
import { writeFile } from 'node:fs/promises';
import { apiTypes } from '../api/src/http/api-types.ts';

const target = new URL('../api/generated/api-types.ts', import.meta.url);
await writeFile(target, await apiTypes());
console.log(`wrote ${target.pathname}`);
process.exit(0);
