/**
 * The outbox's dead letters: GET /admin/outbox/dead, POST /admin/outbox/:id/replay. Mounted under
 * /admin, behind the admin token (admin/require-admin.ts).
 */
import { z } from '@hono/zod-openapi';
import { ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import { createRouter, IdParamsSchema, jsonContent, problemResponses } from '../http/openapi.ts';
import type { OutboxRepository } from './outbox.repository.ts';

const DeadEventSchema = z
  .object({
    id: z.number().int(),
    aggregateType: z.string(),
    aggregateId: z.string(),
    eventType: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('DeadOutboxEvent');

const listDead = defineRoute('admin', {
  method: 'get',
  path: '/outbox/dead',
  operationId: 'listDeadLetters',
  tags: ['admin'],
  summary: 'Outbox events that failed too often to retry (dead letters)',
  responses: {
    200: jsonContent(z.object({ items: z.array(DeadEventSchema) }), 'Dead letters, oldest first'),
    ...problemResponses('invalid-token'),
  },
});

const replay = defineRoute('admin', {
  method: 'post',
  path: '/outbox/{id}/replay',
  operationId: 'replayDeadLetter',
  tags: ['admin'],
  summary: 'Put a dead letter back in line for the worker',
  request: { params: IdParamsSchema },
  responses: {
    202: jsonContent(z.object({ id: z.number().int(), status: z.literal('pending') }), 'Queued again'),
    ...problemResponses('invalid-token', 'not-found', 'validation-failed'),
  },
});

export function deadLetterRoutes(deps: { outbox: OutboxRepository }) {
  return createRouter()
    .openapi(listDead, async (c) => {
      const rows = await deps.outbox.listDead(100);
      return c.json(
        {
          items: rows.map((row) => ({
            id: row.id,
            aggregateType: row.aggregateType,
            aggregateId: row.aggregateId,
            eventType: row.eventType,
            attempts: row.attempts,
            lastError: row.lastError,
            createdAt: row.createdAt.toISOString(),
          })),
        },
        200,
      );
    })
    .openapi(replay, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deps.outbox.replay(id))) {
        throw new ProblemError('not-found', { detail: `Outbox event ${id} is not a dead letter.` });
      }
      return c.json({ id, status: 'pending' as const }, 202);
    });
}
