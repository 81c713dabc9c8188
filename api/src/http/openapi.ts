/**
 * Small helpers for route contracts: every router validates with the same hook,
 * and every route documents its error responses with the same problem schema.
 */

import { OpenAPIHono, z } from '@hono/zod-openapi';
import { type ProblemSlug, problemTypes, problemTypeUri } from '../errors/problem.ts';
import type { HonoEnv } from './env.ts';
import { MAX_ID, plainId } from './strict-input.ts';
import { validationHook } from './validation.ts';

/**
 * A router whose routes validate with validationHook: every refusal is the one 422 problem.
 * Define its routes with defineRoute (access.ts), which says who may call each one.
 */
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
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'For validation-failed: each field at fault and what is wrong with it' }),
    dependency: z.string().optional().openapi({
      description: 'For dependency-unavailable and dependency-failed: the service that did not answer',
      example: 'neo4j',
    }),
  })
  .openapi('Problem');

const slugsByStatus = new Map<number, ProblemSlug[]>();
for (const slug of Object.keys(problemTypes) as ProblemSlug[]) {
  const { status } = problemTypes[slug];
  slugsByStatus.set(status, [...(slugsByStatus.get(status) ?? []), slug]);
}

/** Response headers some problems always carry, so a client (and Schemathesis) can rely on them. */
const problemHeaders: Partial<Record<ProblemSlug, Record<string, { description: string; schema: object }>>> = {
  'invalid-token': {
    'WWW-Authenticate': { description: 'The Bearer challenge (RFC 6750)', schema: { type: 'string' } },
  },
  'rate-limited': {
    'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
  },
};

/**
 * Documents the problem responses a route can give, by problem type: problemResponses('not-found',
 * 'validation-failed'). A bare status (401) stands for every type with that status. Each status's
 * schema narrows `type` to the problem types listed, so a checker catches an undocumented one.
 */
export function problemResponses(...problems: (ProblemSlug | number)[]) {
  const byStatus = new Map<number, ProblemSlug[]>();
  for (const problem of problems) {
    const slugs = typeof problem === 'number' ? (slugsByStatus.get(problem) ?? []) : [problem];
    if (slugs.length === 0) throw new Error(`no problem type has status ${problem}`);
    for (const slug of slugs) {
      const status = problemTypes[slug].status;
      const listed = byStatus.get(status) ?? [];
      if (!listed.includes(slug)) byStatus.set(status, [...listed, slug]);
    }
  }
  return Object.fromEntries(
    [...byStatus].map(([status, slugs]) => {
      const uris = slugs.map(problemTypeUri) as [string, ...string[]];
      // Headers are promised only when every problem type of this status sends them.
      const headerSets = slugs.map((slug) => problemHeaders[slug]);
      const headers = headerSets.every(Boolean) ? Object.assign({}, ...headerSets) : undefined;
      return [
        status,
        {
          description: slugs.map((slug) => `${problemTypes[slug].title} (${problemTypeUri(slug)})`).join('; '),
          ...(headers && {
            headers: Object.fromEntries(
              Object.entries(headers as Record<string, object>).map(([name, header]) => [
                name,
                { ...header, required: true },
              ]),
            ),
          }),
          content: {
            'application/problem+json': {
              schema: ProblemSchema.and(z.object({ type: z.enum(uris), status: z.literal(status) })),
            },
          },
        },
      ];
    }),
  );
}

/** The problems any route with a JSON body can answer before its handler runs. */
export const bodyProblems = [
  'malformed-json',
  'payload-too-large',
  'unsupported-media-type',
  'validation-failed',
] as const;

/** The problems any route behind requireUser can answer. */
export const userProblems = ['invalid-token', 'account-inactive'] as const;

/** A required JSON request body. Required matters: without it an empty body skips validation. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } } as const;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** What String.prototype.trim (and so zod's .trim()) removes: WhiteSpace and LineTerminator. */
const TRIMMED = String.raw`\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;

/**
 * A trimmed text field as the document states it: `check` (which trims, then bounds the length
 * to `max`) decides, and the document shows a plain string whose pattern says the same thing:
 * any whitespace around a core that starts and ends with something else. The minLength and
 * maxLength zod would emit count the whitespace the API trims away, so they would be wrong both
 * ways; a pipe documents its input side only. The class is spelled out rather than written \s,
 * because \s means another set in other tools' regex dialects (Python's, Schemathesis').
 */
export function trimmedText<T extends z.ZodType<unknown, string>>(max: number, check: T) {
  const pattern = `^[${TRIMMED}]*[^${TRIMMED}](?:[\\s\\S]{0,${max - 2}}[^${TRIMMED}])?[${TRIMMED}]*$`;
  return z.string('must be a string').openapi({ pattern }).pipe(check);
}

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
