/** GET /problems/:slug: what each problem `type` URI means, so clients can follow the link. */
import { z } from '@hono/zod-openapi';
import { defineRoute } from '../http/access.ts';
import { createRouter, jsonContent, problemResponses } from '../http/openapi.ts';
import { ProblemError, type ProblemSlug, problemTypes, problemTypeUri } from './problem.ts';

const ProblemTypeSchema = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), description: z.string() })
  .openapi('ProblemType');

const listProblemTypes = defineRoute('public', {
  method: 'get',
  path: '/problems',
  operationId: 'listProblemTypes',
  tags: ['problems'],
  summary: 'Every problem type the API answers with',
  responses: { 200: jsonContent(z.object({ items: z.array(ProblemTypeSchema) }), 'The catalogue') },
});

const getProblemType = defineRoute('public', {
  method: 'get',
  path: '/problems/{slug}',
  operationId: 'getProblemType',
  tags: ['problems'],
  summary: 'One problem type',
  request: { params: z.object({ slug: z.string().max(64).openapi({ example: 'validation-failed' }) }) },
  responses: {
    200: jsonContent(ProblemTypeSchema, 'The problem type'),
    ...problemResponses('not-found', 'validation-failed'),
  },
});

function describe(slug: ProblemSlug) {
  return { type: problemTypeUri(slug), ...problemTypes[slug] };
}

export function problemTypeRoutes() {
  return createRouter()
    .openapi(listProblemTypes, (c) =>
      c.json({ items: (Object.keys(problemTypes) as ProblemSlug[]).map(describe) }, 200),
    )
    .openapi(getProblemType, (c) => {
      const { slug } = c.req.valid('param');
      if (!Object.hasOwn(problemTypes, slug))
        throw new ProblemError('not-found', { detail: `No problem type "${slug}".` });
      return c.json(describe(slug as ProblemSlug), 200);
    });
}
