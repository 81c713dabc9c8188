/**
 * The types web/ and load-tests/ take from the API (api/generated/api-types.ts), and the runtime
 * guards the web checks each answer with (api/generated/api-guards.ts), are the API's current ones:
 * a route whose schema changed fails here until `npm run api:types` is run.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiGuards } from '../../src/http/api-guards.ts';
import { apiTypes, servedOpenApiDocument } from '../../src/http/api-types.ts';

const committed = (file: string) => readFile(new URL(`../../generated/${file}`, import.meta.url), 'utf8');

describe('the generated API types and guards', () => {
  let document: Awaited<ReturnType<typeof servedOpenApiDocument>>;
  beforeAll(async () => {
    document = await servedOpenApiDocument();
  }, 60_000);

  it('the types match the OpenAPI document the API serves', async () => {
    expect(
      (await committed('api-types.ts')) === (await apiTypes(document)),
      'api-types.ts is behind the API: npm run api:types',
    ).toBe(true);
  });

  it('the guards match it too', async () => {
    expect(
      (await committed('api-guards.ts')) === (await apiGuards(document)),
      'api-guards.ts is behind the API: npm run api:types',
    ).toBe(true);
  });

  it('a guard checks what its schema says, with no library at run time', async () => {
    const guards = await import('../../generated/api-guards.ts');
    const similar = { items: [{ userId: 2, sharedCategories: ['work'], score: 0.5 }] };
    expect(guards.isSimilarUsers(similar)).toBe(true);
    expect(guards.isSimilarUsers({ items: [{ ...similar.items[0], score: 1.5 }] })).toBe(false);
    expect(Object.keys(guards).filter((name) => name.startsWith('is'))).toEqual(
      expect.arrayContaining(['isTodo', 'isTodoPage', 'isTodoWrite', 'isProblem', 'isCategoryList', 'isUser']),
    );
  });
});
