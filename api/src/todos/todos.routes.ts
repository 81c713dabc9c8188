/** The todo lifecycle over HTTP: contracts (createRoute) and handlers, side by side. */
import { createRoute } from '@hono/zod-openapi';
import {
  bearerSecurity,
  createRouter,
  IdParamsSchema,
  jsonBody,
  jsonContent,
  problemResponses,
} from '../http/openapi.ts';
import { rateLimitHeaders } from './todos.rules.ts';
import {
  CreateTodoSchema,
  ListTodosQuerySchema,
  TodoPageSchema,
  TodoSchema,
  TodoWriteSchema,
  UpdateTodoSchema,
} from './todos.schemas.ts';
import type { TodoService } from './todos.service.ts';

const tags = ['todos'];
const security = bearerSecurity;

const createTodo = createRoute({
  method: 'post',
  path: '/',
  tags,
  security,
  summary: 'Create a todo',
  description:
    'The title is trimmed and must be 1 to 200 characters and unique among your todos (case-insensitively). At most 10 creates per minute.',
  request: { body: jsonBody(CreateTodoSchema) },
  responses: {
    201: jsonContent(TodoWriteSchema, 'The new todo; Location points at it; graph says whether Neo4j has it yet'),
    ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

const listTodos = createRoute({
  method: 'get',
  path: '/',
  tags,
  security,
  summary: 'List your todos, newest first',
  request: { query: ListTodosQuerySchema },
  responses: {
    200: jsonContent(TodoPageSchema, 'One page of todos; X-Cache says hit, miss or bypass'),
    ...problemResponses(401, 403, 422),
  },
});

const getTodo = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  security,
  summary: 'Read one todo',
  request: { params: IdParamsSchema },
  responses: {
    200: jsonContent(TodoSchema, 'The todo; X-Cache says hit, miss or bypass'),
    ...problemResponses(401, 403, 404, 422),
  },
});

const updateTodo = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  security,
  summary: 'Change a todo; completed: true completes it, false reopens it',
  request: { params: IdParamsSchema, body: jsonBody(UpdateTodoSchema) },
  responses: {
    200: jsonContent(TodoWriteSchema, 'The changed todo; graph says whether Neo4j has the change yet'),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const deleteTodo = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  security,
  summary: 'Delete a todo',
  request: { params: IdParamsSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(401, 403, 404, 422),
  },
});

export function todoRoutes(deps: { todos: TodoService }) {
  const { todos } = deps;
  return createRouter()
    .openapi(createTodo, async (c) => {
      const { todo, graph, rateLimit } = await todos.create(c.get('user').id, c.req.valid('json'));
      for (const [name, value] of Object.entries(rateLimitHeaders(rateLimit))) c.header(name, value);
      c.header('Location', `/todos/${todo.id}`);
      return c.json({ ...todo, graph: { status: graph } }, 201);
    })
    .openapi(listTodos, async (c) => {
      const { value, cache } = await todos.list(c.get('user').id, c.req.valid('query'));
      c.header('X-Cache', cache);
      return c.json(value, 200);
    })
    .openapi(getTodo, async (c) => {
      const { value, cache } = await todos.get(c.get('user').id, c.req.valid('param').id);
      c.header('X-Cache', cache);
      return c.json(value, 200);
    })
    .openapi(updateTodo, async (c) => {
      const { todo, graph } = await todos.update(c.get('user').id, c.req.valid('param').id, c.req.valid('json'));
      return c.json({ ...todo, graph: { status: graph } }, 200);
    })
    .openapi(deleteTodo, async (c) => {
      await todos.remove(c.get('user').id, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
