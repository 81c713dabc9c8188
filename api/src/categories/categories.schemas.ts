import { z } from '@hono/zod-openapi';
import { trimmedText } from '../http/openapi.ts';

export const CATEGORY_NAME_MAX_LENGTH = 50;

export const CreateCategorySchema = z
  .strictObject({
    name: trimmedText(
      CATEGORY_NAME_MAX_LENGTH,
      z
        .string('must be a string')
        .trim()
        .min(1, 'must not be empty')
        .max(CATEGORY_NAME_MAX_LENGTH, `must be at most ${CATEGORY_NAME_MAX_LENGTH} characters`),
    ).openapi({ example: 'work' }),
  })
  .openapi('CreateCategoryRequest');

export const CategorySchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    name: z.string().openapi({ example: 'work' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Category');

export const CategoryListSchema = z.object({ items: z.array(CategorySchema) }).openapi('CategoryList');

export type Category = z.infer<typeof CategorySchema>;
