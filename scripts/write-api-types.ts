/**
 * The API's types and runtime guards for the other workspaces, generated from the OpenAPI document
 * the API serves: web/ and load-tests/ import `@flowlab/api/api-types` (components['schemas']['Todo']
 * ...) and the web checks each answer with `@flowlab/api/api-guards` (isTodo ...), instead of typing
 * the API's shapes again by hand. Run after changing a route's schema:
 *
 *   npm run api:types
 *
 * api/test/unit/api-types.test.ts fails while either committed file is behind the API.
 * openapi-typescript rather than Hono's typed client (hc<App>): the client's types reach into the
 * API's own source (pino, pg, Node's types), which the browser and k6 workspaces cannot compile.
 */
import { writeFile } from 'node:fs/promises';
import { apiGuards } from '../api/src/http/api-guards.ts';
import { apiTypes, servedOpenApiDocument } from '../api/src/http/api-types.ts';

const document = await servedOpenApiDocument();
for (const [file, text] of [
  ['api-types.ts', await apiTypes(document)],
  ['api-guards.ts', await apiGuards(document)],
] as const) {
  const target = new URL(`../api/generated/${file}`, import.meta.url);
  await writeFile(target, text);
  console.log(`wrote ${target.pathname}`);
}
process.exit(0);
