/** POST /categories, GET /categories, DELETE /categories/:id. */
import { createRoute } from '@hono/zod-openapi';
import {
  bearerSecurity,
  createRouter,
  IdParamsSchema,
  jsonBody,
  jsonContent,
  problemResponses,
} from '../http/openapi.ts';
import { CategoryListSchema, CategorySchema, CreateCategorySchema } from './categories.schemas.ts';
import type { CategoryService } from './categories.service.ts';

const tags = ['categories'];
const security = bearerSecurity;

const createCategory = createRoute({
  method: 'post',
  path: '/',
  tags,
  security,
  summary: 'Create a category',
  request: { body: jsonBody(CreateCategorySchema) },
  responses: {
    201: jsonContent(CategorySchema, 'The new category'),
    ...problemResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const listCategories = createRoute({
  method: 'get',
  path: '/',
  tags,
  security,
  summary: 'List your categories, by name',
  responses: {
    200: jsonContent(CategoryListSchema, 'Your categories'),
    ...problemResponses(401, 403),
  },
});

const deleteCategory = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  security,
  summary: 'Delete a category (its todos stay, without it)',
  request: { params: IdParamsSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(401, 403, 404, 422),
  },
});

export function categoryRoutes(deps: { categories: CategoryService }) {
  const { categories } = deps;
  return createRouter()
    .openapi(createCategory, async (c) => {
      const category = await categories.create(c.get('user').id, c.req.valid('json').name);
      c.header('Location', `/categories/${category.id}`);
      return c.json(category, 201);
    })
    .openapi(listCategories, async (c) => c.json({ items: await categories.list(c.get('user').id) }, 200))
    .openapi(deleteCategory, async (c) => {
      await categories.remove(c.get('user').id, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
