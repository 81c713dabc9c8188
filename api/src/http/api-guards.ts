/**
 * Runtime guards for the API's shapes, made from the same OpenAPI document as the types: ajv compiles
 * each schema of `components.schemas` into a plain validating function ("standalone code") that
 * `npm run api:types` writes to api/generated/api-guards.ts. The web client checks every answer
 * with them, so a shape is written once (the route's zod schema) and never typed again by hand.
 *
 * Standalone code, not ajv in the browser: ajv compiles with `new Function`, which /app/'s
 * Content-Security-Policy refuses, and the generated functions need no library at run time (the
 * generator fails if they would). Extra fields pass, as in the schemas: an API may add a field
 * without breaking an older client.
 */

import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import type { OpenAPI3 } from 'openapi-typescript';
import { GENERATED_HEADER, servedOpenApiDocument } from './api-types.ts';

// The two formats the API's schemas name, as RFC 3339 and RFC 9562 spell them: regular expressions,
// which ajv writes into the generated code itself.
const formats = {
  'date-time':
    /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

const SCHEMA_REF = '#/components/schemas/';

export async function apiGuards(document?: OpenAPI3): Promise<string> {
  const served = document ?? (await servedOpenApiDocument());
  // Each schema under its own name, so `#/components/schemas/Todo` becomes the reference `Todo`.
  const named = JSON.parse(
    JSON.stringify(served.components?.schemas ?? {}).replaceAll(`"${SCHEMA_REF}`, '"'),
  ) as Record<string, object>;
  // No messages: a client only asks whether an answer fits (and the bundle stays smaller).
  const ajv = new Ajv({ code: { source: true, esm: true }, formats, keywords: ['example'], messages: false });
  const exports: Record<string, string> = {};
  for (const [name, schema] of Object.entries(named)) ajv.addSchema({ ...schema, $id: name });
  // A guard for each shape the API answers with (a client checks answers; the API checks requests).
  for (const name of answeredSchemas(served)) exports[guardName(name)] = name;
  const code = standalone.default(ajv, exports);
  // ajv imports a helper for minLength/maxLength (string lengths in code points) and for some enums.
  if (/\brequire\(|\bimport\b/.test(code))
    throw new Error('the generated guards would import a helper of ajv at run time');
  // ajv exports each validator untyped; the file exports it again as a type guard of the generated type.
  const validators = code.replace(/^"use strict";/, '').replace(/export const (\w+) = (validate\d+);/g, '');
  const typed = Object.entries(exports)
    .map(([guard, name]) => `export const ${guard}: Guard<Schemas['${name}']> = ${validatorOf(code, guard)};`)
    .join('\n');
  return `${GENERATED_HEADER}// @ts-nocheck: ajv's standalone code is plain JavaScript; the typed guards are at the end.
import type { components } from './api-types.ts';

type Schemas = components['schemas'];
/** True when the value has the schema's shape, and then typed as it. */
export type Guard<T> = (value: unknown) => value is T;

${validators}

${typed}
`;
}

const guardName = (schema: string) => `is${schema}`;

/** The component schemas a response names, in the document's order. */
function answeredSchemas(document: OpenAPI3): string[] {
  const responses = Object.values(document.paths ?? {}).flatMap((path) =>
    Object.values(path ?? {}).flatMap((operation) =>
      typeof operation === 'object' && operation !== null && 'responses' in operation
        ? Object.values(operation.responses ?? {})
        : [],
    ),
  );
  const named = new Set(
    [...JSON.stringify(responses).matchAll(new RegExp(`"\\$ref":"${SCHEMA_REF}(\\w+)"`, 'g'))].map(
      (m) => m[1] as string,
    ),
  );
  return Object.keys(document.components?.schemas ?? {}).filter((name) => named.has(name));
}

function validatorOf(code: string, guard: string): string {
  const match = code.match(new RegExp(`export const ${guard} = (validate\\d+);`));
  if (!match?.[1]) throw new Error(`ajv wrote no validator for ${guard}`);
  return match[1];
}
