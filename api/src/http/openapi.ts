/**
 * Small helpers for route contracts: every router validates with the same hook,
 * and every route documents its error responses with the same problem schema.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from './env.ts';
import { problemTypes } from './problem.ts';
import { MAX_ID, plainId } from './strict-input.ts';
import { validationHook } from './validation.ts';

export function createRouter() {
  return new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/validation-failed' }),
    title: z.string().openapi({ example: 'Request validation failed' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string(),
    instance: z.string().openapi({ example: '/todos' }),
    requestId: z.string().openapi({ example: 'b7c0a3a4-64a5-4a52-9e0c-0d6f6b0e8f0a' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const statusDescriptions: Record<number, string> = Object.fromEntries(
  Object.values(problemTypes).map((p) => [p.status, p.title]),
);

/** Documents the problem responses a route can give, e.g. problemResponses(401, 404, 422). */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: statusDescriptions[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );
}

/** A required JSON request body. Required matters: without it an empty body skips validation. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } } as const;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** The bearer scheme, named in every protected route's `security`. */
export const bearerSecurity = [{ bearerAuth: [] }];

/** A positive integer id in the path ("/todos/{id}"), plain decimal only ("1e3" and "0x1" are refused). */
export const IdParamsSchema = z.object({
  id: plainId().openapi({
    type: 'integer',
    minimum: 1,
    maximum: MAX_ID,
    param: { name: 'id', in: 'path' },
    example: 1,
  }),
});
