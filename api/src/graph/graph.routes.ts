/** GET /todos/:id/related, GET /users/me/similar, GET /graph/stats. */
import { z } from '@hono/zod-openapi';
import { defineRoute } from '../http/access.ts';
import { createRouter, IdParamsSchema, jsonContent, problemResponses, userProblems } from '../http/openapi.ts';
import type { GraphService } from './graph.service.ts';

const tags = ['graph'];
const graphDown =
  ' Answers 503 dependency-unavailable (dependency: neo4j, with Retry-After) when no graph is configured (NEO4J_URI unset), Neo4j does not answer, or the circuit breaker is open.';

const RelatedSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        completed: z.boolean(),
        sharedCategories: z.array(z.string()),
      }),
    ),
  })
  .openapi('RelatedTodos');

const SimilarSchema = z
  .object({
    items: z.array(
      z.object({
        userId: z.number().int(),
        sharedCategories: z.array(z.string()),
        score: z
          .number()
          .min(0)
          .max(1)
          .openapi({ description: 'Jaccard index of the two sets of category names, 0 to 1' }),
      }),
    ),
  })
  .openapi('SimilarUsers');

const StatsSchema = z
  .object({
    nodes: z.object({ users: z.number(), todos: z.number(), categories: z.number() }),
    relationships: z.object({ owns: z.number(), belongsTo: z.number() }),
    outbox: z.object({ pending: z.number(), dead: z.number(), oldestPendingAgeSeconds: z.number() }),
    breaker: z.enum(['closed', 'open', 'half-open']),
  })
  .openapi('GraphStats');

const related = defineRoute('user', {
  method: 'get',
  path: '/todos/{id}/related',
  operationId: 'relatedTodos',
  tags,
  summary: 'Your todos that share a category with this one (Neo4j)',
  description: `The todo must be yours (404 otherwise).${graphDown}`,
  request: { params: IdParamsSchema },
  responses: {
    200: jsonContent(RelatedSchema, 'Related todos'),
    ...problemResponses(...userProblems, 'not-found', 'validation-failed', 'dependency-unavailable'),
  },
});

const similar = defineRoute('user', {
  method: 'get',
  path: '/users/me/similar',
  operationId: 'similarUsers',
  tags,
  summary: 'Users whose categories overlap yours, with a score (Neo4j)',
  description: graphDown.trim(),
  responses: {
    200: jsonContent(SimilarSchema, 'Similar users'),
    ...problemResponses(...userProblems, 'dependency-unavailable'),
  },
});

const stats = defineRoute('user', {
  method: 'get',
  path: '/graph/stats',
  operationId: 'graphStats',
  tags,
  summary: 'Node and relationship counts, the outbox backlog and the breaker state',
  description: graphDown.trim(),
  responses: {
    200: jsonContent(StatsSchema, 'Graph statistics'),
    ...problemResponses(...userProblems, 'dependency-unavailable'),
  },
});

export function graphRoutes(deps: { graph: GraphService }) {
  return createRouter()
    .openapi(related, async (c) =>
      c.json({ items: await deps.graph.related(c.get('user').id, c.req.valid('param').id) }, 200),
    )
    .openapi(similar, async (c) => c.json({ items: await deps.graph.similar(c.get('user').id) }, 200))
    .openapi(stats, async (c) => c.json(await deps.graph.stats(), 200));
}
