import { z } from '@hono/zod-openapi';
import { trimmedText } from '../http/openapi.ts';
import { CURSOR_PATTERN, DESCRIPTION_MAX_LENGTH, MAX_CATEGORIES_PER_TODO, TITLE_MAX_LENGTH } from './todos.rules.ts';

// The seed's first business rule: a title is trimmed, then must be 1..200 characters.
const title = trimmedText(
  TITLE_MAX_LENGTH,
  z
    .string('must be a string')
    .trim()
    .min(1, 'must not be empty')
    .max(TITLE_MAX_LENGTH, `must be at most ${TITLE_MAX_LENGTH} characters`),
).openapi({ example: 'Read the OpenTelemetry spec' });

const description = z
  .string('must be a string')
  .max(DESCRIPTION_MAX_LENGTH, `must be at most ${DESCRIPTION_MAX_LENGTH} characters`);

const dueAt = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T09:00:00Z' })
  .transform((value) => new Date(value))
  .openapi({ type: 'string', format: 'date-time', example: '2026-12-01T09:00:00Z' });

const categoryIds = z
  .array(z.number().int().positive().max(2_147_483_647), 'must be an array of category ids')
  .max(MAX_CATEGORIES_PER_TODO, `must have at most ${MAX_CATEGORIES_PER_TODO} categories`)
  .transform((ids) => [...new Set(ids)])
  .openapi({ example: [1] });

export const CreateTodoSchema = z
  .strictObject({
    title,
    description: description.optional(),
    categoryIds: categoryIds.optional(),
    dueAt: dueAt.optional(),
  })
  .openapi('CreateTodoRequest');

export const UpdateTodoSchema = z
  .strictObject({
    title: title.optional(),
    description: description.nullable().optional(),
    completed: z.boolean('must be true or false').optional(),
    dueAt: dueAt.nullable().optional(),
    categoryIds: categoryIds.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'must change at least one field' })
  .openapi('UpdateTodoRequest', { minProperties: 1 });

export const ListTodosQuerySchema = z.object({
  completed: z
    .enum(['true', 'false'], 'must be true or false')
    .transform((v) => v === 'true')
    .optional()
    .openapi({ type: 'boolean', param: { name: 'completed', in: 'query' } }),
  category: z.coerce
    .number('must be a category id')
    .int()
    .positive()
    .max(2_147_483_647)
    .optional()
    .openapi({ param: { name: 'category', in: 'query', description: 'Only todos in this category (an id)' } }),
  q: trimmedText(TITLE_MAX_LENGTH, z.string().trim().min(1, 'must not be empty').max(TITLE_MAX_LENGTH))
    .optional()
    .openapi({
      param: {
        name: 'q',
        in: 'query',
        description: 'Case-insensitive search in titles (trimmed, 1 to 200 characters)',
      },
    }),
  limit: z.coerce
    .number('must be a number')
    .int()
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, 'is not a valid cursor; use nextCursor from the previous page')
    .optional()
    .openapi({
      param: {
        name: 'cursor',
        in: 'query',
        description: 'nextCursor from the previous page: an opaque token of 6 base64url characters',
      },
      example: 'AAAAFA',
    }),
});

export const CategoryRefSchema = z.object({ id: z.number().int(), name: z.string() }).openapi('CategoryRef');

export const TodoSchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    completedAt: z.string().nullable().openapi({ format: 'date-time' }),
    dueAt: z.string().nullable().openapi({ format: 'date-time' }),
    categories: z.array(CategoryRefSchema),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Todo');

export const GraphWriteSchema = z
  .object({
    status: z.enum(['synced', 'pending', 'disabled']).openapi({
      description:
        'synced: Neo4j already has this change; pending: the outbox worker will apply it (Neo4j is slow, down, or the breaker is open); disabled: no graph is configured, the event waits in the outbox',
    }),
  })
  .openapi('GraphWrite');

export const TodoWriteSchema = TodoSchema.extend({ graph: GraphWriteSchema }).openapi('TodoWrite');

export const TodoPageSchema = z
  .object({
    items: z.array(TodoSchema),
    nextCursor: z
      .string()
      .regex(CURSOR_PATTERN)
      .nullable()
      .openapi({ description: 'Pass as ?cursor= for the next page; null on the last page' }),
  })
  .openapi('TodoPage');

export type CreateTodoInput = z.infer<typeof CreateTodoSchema>;
export type UpdateTodoInput = z.infer<typeof UpdateTodoSchema>;
export type ListTodosQuery = z.infer<typeof ListTodosQuerySchema>;
export type Todo = z.infer<typeof TodoSchema>;
export type TodoPage = z.infer<typeof TodoPageSchema>;
