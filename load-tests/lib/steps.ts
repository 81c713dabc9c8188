/**
 * The lab's steps, each one request with the checks a learner would make by hand: the status, and the
 * one field that proves the step did its job. A check that fails counts against the `checks` threshold;
 * the step returns what the next step needs, or undefined.
 */

import type { components } from '@flowlab/api/api-types';
import { check, sleep } from 'k6';
import { bodyJson, header, type Response, send } from './request.ts';

// The API's own shapes, generated from its OpenAPI document (`npm run api:types`).
type Schemas = components['schemas'];
/** A todo as any answer gives it; a write's answer adds whether the graph has it. */
export type Todo = Schemas['Todo'] & { graph?: Schemas['GraphWrite'] };
export type Problem = Schemas['Problem'];
// An answer is read before its check: any field may be missing from a body that is not what was asked.
type Answer<T> = Partial<T>;

/** Retry-After in seconds, at least 1 (the header is always set on a 429, but a check guards that). */
export function retryAfterSeconds(res: Response): number {
  return Math.max(1, Number(header(res, 'Retry-After') ?? '1') || 1);
}

/**
 * An auth call that waits out the per-address auth limit (30 a minute) instead of failing: a run started
 * right after another may find the window spent. The 429 is expected here, so http_req_failed ignores it.
 */
function authCall(step: 'register' | 'login', body: unknown, okStatus: number): Response {
  for (let attempt = 1; ; attempt++) {
    const { res } = send({
      step,
      method: 'POST',
      path: `/auth/${step}`,
      body,
      expected: [okStatus, 429],
    });
    if (res.status !== 429 || attempt === 5) return res;
    const wait = retryAfterSeconds(res);
    console.warn(`${step}: the auth limit (per address) is spent; waiting ${wait} s as Retry-After says`);
    sleep(wait);
  }
}

export function register(email: string, password: string): boolean {
  const res = authCall('register', { email, password, name: 'k6 load user' }, 201);
  return check(res, { 'register: 201': (r) => r.status === 201 });
}

export function login(email: string, password: string): string | undefined {
  const res = authCall('login', { email, password }, 200);
  const token = bodyJson<Answer<Schemas['AccessToken']>>(res)?.accessToken;
  check(res, { 'login: 200 with a token': (r) => r.status === 200 && typeof token === 'string' });
  return token;
}

export function createCategory(token: string, name: string): number | undefined {
  const { res } = send({ step: 'create', method: 'POST', path: '/categories', body: { name }, token });
  const id = bodyJson<Answer<Schemas['Category']>>(res)?.id;
  check(res, { 'category: 201': (r) => r.status === 201 && typeof id === 'number' });
  return id;
}

/** POST /todos: 201, Location, and the graph write's outcome (synced, or pending for the outbox). */
export function createTodo(token: string, title: string, categoryIds: number[] = []): Todo | undefined {
  const { res } = send({
    step: 'create',
    method: 'POST',
    path: '/todos',
    body: { title, ...(categoryIds.length > 0 && { categoryIds }) },
    token,
  });
  const todo = bodyJson<Todo>(res);
  const ok = check(res, {
    'create: 201': (r) => r.status === 201,
    'create: Location names the new todo': (r) => todo !== undefined && header(r, 'Location') === `/todos/${todo.id}`,
    'create: graph synced or pending': () => ['synced', 'pending'].includes(todo?.graph?.status ?? ''),
  });
  return ok ? todo : undefined;
}

export function listTodos(token: string): Todo[] {
  const { res } = send({ step: 'list', method: 'GET', path: '/todos?limit=20', route: '/todos', token });
  const items = bodyJson<Answer<Schemas['TodoPage']>>(res)?.items;
  check(res, { 'list: 200 with items': (r) => r.status === 200 && Array.isArray(items) });
  return items ?? [];
}

export function readTodo(token: string, id: number): Todo | undefined {
  const { res } = send({ step: 'read', method: 'GET', path: `/todos/${id}`, route: '/todos/:id', token });
  const todo = bodyJson<Todo>(res);
  check(res, { 'read: 200, the todo asked for': (r) => r.status === 200 && todo?.id === id });
  return todo;
}

export function completeTodo(token: string, id: number): Todo | undefined {
  const { res } = send({
    step: 'complete',
    method: 'PATCH',
    path: `/todos/${id}`,
    route: '/todos/:id',
    body: { completed: true },
    token,
  });
  const todo = bodyJson<Todo>(res);
  check(res, {
    'complete: 200 with completedAt': (r) => r.status === 200 && todo?.completed === true && !!todo.completedAt,
  });
  return todo;
}

/** GET /todos/:id/related: a graph read (Neo4j). */
export function relatedTodos(token: string, id: number): boolean {
  const { res } = send({
    step: 'related',
    method: 'GET',
    path: `/todos/${id}/related`,
    route: '/todos/:id/related',
    token,
  });
  return check(res, {
    'related: 200': (r) => r.status === 200 && Array.isArray(bodyJson<Answer<Schemas['RelatedTodos']>>(r)?.items),
  });
}

export function deleteTodo(token: string, id: number): boolean {
  const { res } = send({ step: 'delete', method: 'DELETE', path: `/todos/${id}`, route: '/todos/:id', token });
  return check(res, { 'delete: 204': (r) => r.status === 204 });
}
