/**
 * The types web/ and load-tests/ take from the API (api/generated/api-types.ts) are the API's
 * current ones: a route whose schema changed fails here until `npm run api:types` is run.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypes } from '../../src/http/api-types.ts';

describe('the generated API types', () => {
  it('match the OpenAPI document the API serves', async () => {
    const committed = await readFile(new URL('../../generated/api-types.ts', import.meta.url), 'utf8');
    expect(committed === (await apiTypes()), 'api/generated/api-types.ts is behind the API: npm run api:types').toBe(
      true,
    );
  }, 60_000);
});
