import { describe, expect, it } from 'vitest';
import {
  isCategoryList,
  isProblem,
  isSimilarUsers,
  isTodoPage,
  isTodoWrite,
  isValidTodo,
} from '../../src/api/guards.ts';

const todo = {
  id: 1,
  title: 'Trace a request',
  description: null,
  completed: false,
  completedAt: null,
  dueAt: '2026-12-01T09:00:00.000Z',
  categories: [{ id: 2, name: 'work' }],
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:00:00.000Z',
};

// Each field wrong in turn, with a value of the wrong type (or a missing one).
const wrong: [string, unknown][] = [
  ['id', '1'],
  ['id', 1.5],
  ['title', 7],
  ['description', 3],
  ['completed', 'false'],
  ['completedAt', 'yesterday'],
  ['dueAt', 42],
  ['categories', null],
  ['categories', [{ id: 'x', name: 'work' }]],
  ['createdAt', undefined],
  ['updatedAt', 'not a date'],
];

describe('isValidTodo', () => {
  it('accepts a todo as the API writes it', () => {
    expect(isValidTodo(todo)).toBe(true);
    expect(isValidTodo({ ...todo, description: 'why', completed: true, completedAt: todo.createdAt })).toBe(true);
  });

  it.each(wrong)('refuses a todo whose %s is %j', (field, value) => {
    expect(isValidTodo({ ...todo, [field]: value })).toBe(false);
  });

  it('allows extra fields: an API may add one without breaking the page', () => {
    expect(isValidTodo({ ...todo, priority: 'high' })).toBe(true);
  });

  it.each([null, undefined, 'todo', 1, [todo]])('refuses %j as a body', (body) => {
    expect(isValidTodo(body)).toBe(false);
  });
});

describe('the page, write and category guards', () => {
  it('a page is items of valid todos and a nullable cursor', () => {
    expect(isTodoPage({ items: [todo], nextCursor: null })).toBe(true);
    expect(isTodoPage({ items: [todo], nextCursor: 'eyJpZA' })).toBe(true);
    // The cursor's shape is the API's too (its schema's pattern): a made-up one is refused.
    expect(isTodoPage({ items: [todo], nextCursor: 'abc' })).toBe(false);
    expect(isTodoPage({ items: [{ ...todo, id: 'one' }], nextCursor: null })).toBe(false);
    expect(isTodoPage({ items: [todo] })).toBe(false);
    expect(isTodoPage({ items: null, nextCursor: null })).toBe(false);
    expect(isTodoPage(null)).toBe(false);
  });

  it('a write carries the graph status', () => {
    expect(isTodoWrite({ ...todo, graph: { status: 'pending' } })).toBe(true);
    expect(isTodoWrite({ ...todo, graph: { status: 'maybe' } })).toBe(false);
    expect(isTodoWrite(todo)).toBe(false);
  });

  it('a category list', () => {
    expect(isCategoryList({ items: [{ id: 1, name: 'work', createdAt: todo.createdAt }] })).toBe(true);
    expect(isCategoryList({ items: [{ id: 1, name: 'work' }] })).toBe(false);
    expect(isCategoryList(null)).toBe(false);
  });

  it('a problem is every member the API writes, its extensions typed too', () => {
    const notFound = {
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No todo 7',
      instance: '/todos/7',
      requestId: 'req-1',
    };
    expect(isProblem(notFound)).toBe(true);
    expect(isProblem({ ...notFound, status: 503, dependency: 'neo4j' })).toBe(true);
    expect(isProblem({ ...notFound, dependency: 7 })).toBe(false);
    expect(isProblem({ ...notFound, title: undefined })).toBe(false);
    expect(isProblem({ ...notFound, status: '404' })).toBe(false);
    expect(isProblem({ ...notFound, status: 422, errors: [{ path: 'title' }] })).toBe(false);
    expect(isProblem('<html>')).toBe(false);
  });

  it('a similar user scores from 0 to 1, as the API schema says', () => {
    const similar = { userId: 2, sharedCategories: ['work'], score: 0.25 };
    expect(isSimilarUsers({ items: [similar] })).toBe(true);
    expect(isSimilarUsers({ items: [{ ...similar, score: -0.1 }] })).toBe(false);
    expect(isSimilarUsers({ items: [{ ...similar, sharedCategories: [1] }] })).toBe(false);
  });
});
