/**
 * The one module that talks to the API: base URL, bearer token, an X-Request-ID per call,
 * problem+json into typed ApiErrors, and a guard on every body. Each call takes the user action
 * it belongs to, and makes its fetch inside that action's context, so the fetch span (and the
 * API's SERVER span, through `traceparent`) become children of the click.
 */
import { context } from '@opentelemetry/api';
import type { Action } from '../telemetry/tracing.ts';
import { ApiError, errorFromResponse } from './errors.ts';
import {
  type AccessToken,
  type Category,
  type CategoryList,
  type Guard,
  isAccessToken,
  isCategory,
  isCategoryList,
  isRelatedTodos,
  isSimilarUsers,
  isTodoPage,
  isTodoWrite,
  isUser,
  type RelatedTodos,
  type SimilarUsers,
  type TodoPage,
  type TodoWrite,
  type User,
} from './guards.ts';

export interface TodoFilters {
  limit?: number;
  completed?: boolean;
  category?: number;
  q?: string;
}

export interface NewTodo {
  title: string;
  description?: string;
  dueAt?: string;
  categoryIds?: number[];
}

export interface TodoPatch {
  title?: string;
  completed?: boolean;
}

const noBody: Guard<undefined> = (value): value is undefined => value === undefined;

export function createApiClient(options: { baseUrl: string; token: () => string | null }) {
  async function request<T>(action: Action, method: string, path: string, guard: Guard<T>, body?: unknown): Promise<T> {
    const requestId = crypto.randomUUID();
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Request-ID': requestId };
    const token = options.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      // Synchronously inside the action's context: the fetch instrumentation reads it right here.
      response = await context.with(action.context, () =>
        fetch(`${options.baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    } catch {
      throw new ApiError('network', 'The API cannot be reached.', { requestId });
    }
    const answeredId = response.headers.get('X-Request-ID') ?? requestId;
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.ok) throw new ApiError('invalid-response', 'The answer is not JSON.', { requestId: answeredId });
      }
    }
    if (!response.ok) throw errorFromResponse(response.status, parsed, response.headers);
    if (!guard(parsed)) {
      throw new ApiError('invalid-response', `The answer to ${method} ${path} has an unexpected shape.`, {
        status: response.status,
        requestId: answeredId,
      });
    }
    return parsed;
  }

  const query = (filters: TodoFilters, cursor?: string) => {
    const params = new URLSearchParams();
    if (filters.limit !== undefined) params.set('limit', String(filters.limit));
    if (filters.completed !== undefined) params.set('completed', String(filters.completed));
    if (filters.category !== undefined) params.set('category', String(filters.category));
    if (filters.q) params.set('q', filters.q);
    if (cursor) params.set('cursor', cursor);
    const text = params.toString();
    return text ? `?${text}` : '';
  };

  return {
    register: (a: Action, input: { email: string; password: string; name?: string }): Promise<User> =>
      request(a, 'POST', '/auth/register', isUser, input),
    login: (a: Action, input: { email: string; password: string }): Promise<AccessToken> =>
      request(a, 'POST', '/auth/login', isAccessToken, input),
    me: (a: Action): Promise<User> => request(a, 'GET', '/auth/me', isUser),
    listTodos: (a: Action, filters: TodoFilters, cursor?: string): Promise<TodoPage> =>
      request(a, 'GET', `/todos${query(filters, cursor)}`, isTodoPage),
    createTodo: (a: Action, input: NewTodo): Promise<TodoWrite> => request(a, 'POST', '/todos', isTodoWrite, input),
    updateTodo: (a: Action, id: number, patch: TodoPatch): Promise<TodoWrite> =>
      request(a, 'PATCH', `/todos/${id}`, isTodoWrite, patch),
    deleteTodo: (a: Action, id: number): Promise<undefined> => request(a, 'DELETE', `/todos/${id}`, noBody),
    listCategories: (a: Action): Promise<CategoryList> => request(a, 'GET', '/categories', isCategoryList),
    createCategory: (a: Action, name: string): Promise<Category> =>
      request(a, 'POST', '/categories', isCategory, { name }),
    deleteCategory: (a: Action, id: number): Promise<undefined> => request(a, 'DELETE', `/categories/${id}`, noBody),
    related: (a: Action, id: number): Promise<RelatedTodos> =>
      request(a, 'GET', `/todos/${id}/related`, isRelatedTodos),
    similar: (a: Action): Promise<SimilarUsers> => request(a, 'GET', '/users/me/similar', isSimilarUsers),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
