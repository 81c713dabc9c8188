/** The todo lifecycle over HTTP: contracts (createRoute) and handlers, side by side. */

import { defineRoute } from '../http/access.ts';
import { sendJsonText } from '../http/json-text.ts';
import {
  bodyProblems,
  createRouter,
  IdParamsSchema,
  jsonBody,
  jsonContent,
  problemResponses,
  userProblems,
} from '../http/openapi.ts';
import { rateLimitHeaders } from '../ratelimit/decision.ts';
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

/** Where a todo's id leads next: the links a client (or Schemathesis' stateful phase) follows. */
const todoLinks = {
  getTodo: { operationId: 'getTodo', parameters: { id: '$response.body#/id' }, description: 'Read it back' },
  updateTodo: { operationId: 'updateTodo', parameters: { id: '$response.body#/id' }, description: 'Change it' },
  deleteTodo: { operationId: 'deleteTodo', parameters: { id: '$response.body#/id' }, description: 'Delete it' },
  relatedTodos: {
    operationId: 'relatedTodos',
    parameters: { id: '$response.body#/id' },
    description: 'The todos that share a category with it',
  },
};
const todoHeaders = {
  'X-Cache': {
    description: 'hit, miss or bypass: whether the answer came from the cache',
    schema: { type: 'string' as const, enum: ['hit', 'miss', 'bypass'] },
    required: true,
  },
};

const createTodo = defineRoute('user', {
  method: 'post',
  path: '/',
  operationId: 'createTodo',
  tags,
  summary: 'Create a todo',
  description:
    'The title is trimmed and must be 1 to 200 characters and unique among your todos (case-insensitively). ' +
    'Each of categoryIds must be one of your categories, or the answer is 422. ' +
    'At most TODO_CREATE_LIMIT creates (10 by default) per TODO_CREATE_WINDOW_SECONDS (60) per user.',
  request: { body: jsonBody(CreateTodoSchema) },
  responses: {
    201: {
      ...jsonContent(TodoWriteSchema, 'The new todo; Location points at it; graph says whether Neo4j has it yet'),
      headers: {
        Location: { description: 'The new todo: /todos/{id}', schema: { type: 'string' }, required: true },
        'RateLimit-Remaining': {
          description: 'Creates left in the current window',
          schema: { type: 'integer', minimum: 0 },
          required: true,
        },
      },
      links: todoLinks,
    },
    ...problemResponses(...bodyProblems, ...userProblems, 'duplicate-title', 'rate-limited'),
  },
});

const listTodos = defineRoute('user', {
  method: 'get',
  path: '/',
  operationId: 'listTodos',
  tags,
  summary: 'List your todos, newest first',
  request: { query: ListTodosQuerySchema },
  responses: {
    200: { ...jsonContent(TodoPageSchema, 'One page of todos'), headers: todoHeaders },
    ...problemResponses(...userProblems, 'validation-failed'),
  },
});

const getTodo = defineRoute('user', {
  method: 'get',
  path: '/{id}',
  operationId: 'getTodo',
  tags,
  summary: 'Read one todo',
  request: { params: IdParamsSchema },
  responses: {
    200: { ...jsonContent(TodoSchema, 'The todo'), headers: todoHeaders, links: todoLinks },
    ...problemResponses(...userProblems, 'not-found', 'validation-failed'),
  },
});

const updateTodo = defineRoute('user', {
  method: 'patch',
  path: '/{id}',
  operationId: 'updateTodo',
  tags,
  summary: 'Change a todo; completed: true completes it, false reopens it',
  description:
    'Send at least one field. Each of categoryIds must be one of your categories, or the answer is 422; ' +
    "categoryIds replaces the todo's categories.",
  request: { params: IdParamsSchema, body: jsonBody(UpdateTodoSchema) },
  responses: {
    200: {
      ...jsonContent(TodoWriteSchema, 'The changed todo; graph says whether Neo4j has the change yet'),
      links: todoLinks,
    },
    ...problemResponses(...bodyProblems, ...userProblems, 'not-found', 'duplicate-title'),
  },
});

const deleteTodo = defineRoute('user', {
  method: 'delete',
  path: '/{id}',
  operationId: 'deleteTodo',
  tags,
  summary: 'Delete a todo',
  request: { params: IdParamsSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(...userProblems, 'not-found', 'validation-failed'),
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
      const { body, cache } = await todos.list(c.get('user').id, c.req.valid('query'));
      c.header('X-Cache', cache);
      return sendJsonText(c, body, 200);
    })
    .openapi(getTodo, async (c) => {
      const { body, cache } = await todos.get(c.get('user').id, c.req.valid('param').id);
      c.header('X-Cache', cache);
      return sendJsonText(c, body, 200);
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
