/**
 * JSON text that encodes a T, serialised once and then sent as it is. The todo cache keeps a
 * response body as text: a hit sends those bytes instead of parsing them and letting `c.json`
 * serialise them again (their share of a cached GET's CPU: bench/README.md, "Profile").
 */
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';

/** A string known to be `JSON.stringify` of a T: the brand carries the T to the response's type. */
export type JsonText<T> = string & { readonly encodes: T };

export const toJsonText = <T>(value: T): JsonText<T> => JSON.stringify(value) as JsonText<T>;

/**
 * What `c.json(value, status)` would answer, from the text `toJsonText(value)`: the same bytes
 * and the same Content-Type, typed like `c.json` so the route's OpenAPI contract still checks it.
 */
export function sendJsonText<T, S extends ContentfulStatusCode>(
  c: Context,
  text: JsonText<T>,
  status: S,
): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  // The type is a phantom (TypedResponse has no runtime part): a plain Response narrowed to it.
  const response: Response = c.body(text, status, { 'Content-Type': 'application/json' });
  return response as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}
