/** POST /categories, GET /categories, DELETE /categories/:id. */

import { defineRoute } from '../http/access.ts';
import {
  bodyProblems,
  createRouter,
  IdParamsSchema,
  jsonBody,
  jsonContent,
  problemResponses,
  userProblems,
} from '../http/openapi.ts';
import { CategoryListSchema, CategorySchema, CreateCategorySchema } from './categories.schemas.ts';
import type { CategoryService } from './categories.service.ts';

const tags = ['categories'];

const createCategory = defineRoute('user', {
  method: 'post',
  path: '/',
  operationId: 'createCategory',
  tags,
  summary: 'Create a category',
  request: { body: jsonBody(CreateCategorySchema) },
  responses: {
    201: {
      ...jsonContent(CategorySchema, 'The new category'),
      headers: {
        Location: { description: 'The new category: /categories/{id}', schema: { type: 'string' }, required: true },
      },
      links: {
        deleteCategory: {
          operationId: 'deleteCategory',
          parameters: { id: '$response.body#/id' },
          description: 'Delete it',
        },
        listTodosInCategory: {
          operationId: 'listTodos',
          parameters: { category: '$response.body#/id' },
          description: 'The todos in it',
        },
      },
    },
    ...problemResponses(...bodyProblems, ...userProblems, 'duplicate-category'),
  },
});

const listCategories = defineRoute('user', {
  method: 'get',
  path: '/',
  operationId: 'listCategories',
  tags,
  summary: 'List your categories, by name',
  responses: {
    200: jsonContent(CategoryListSchema, 'Your categories'),
    ...problemResponses(...userProblems),
  },
});

const deleteCategory = defineRoute('user', {
  method: 'delete',
  path: '/{id}',
  operationId: 'deleteCategory',
  tags,
  summary: 'Delete a category (its todos stay, without it)',
  request: { params: IdParamsSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(...userProblems, 'not-found', 'validation-failed'),
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
