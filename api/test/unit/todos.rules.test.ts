/** The todo rules that need no I/O. */
import { describe, expect, it } from 'vitest';
import { MAX_ID } from '../../src/http/strict-input.ts';
import {
  applyCompletion,
  CURSOR_PATTERN,
  changeKind,
  decodeCursor,
  encodeCursor,
  escapeLikePattern,
} from '../../src/todos/todos.rules.ts';
import { CreateTodoSchema, ListTodosQuerySchema, UpdateTodoSchema } from '../../src/todos/todos.schemas.ts';

describe('title validation', () => {
  it('trims the title before checking its length', () => {
    expect(CreateTodoSchema.parse({ title: `  ${'a'.repeat(200)}\n` }).title).toHaveLength(200);
    expect(CreateTodoSchema.safeParse({ title: 'a'.repeat(201) }).success).toBe(false);
    expect(CreateTodoSchema.safeParse({ title: ' \t\n ' }).success).toBe(false);
  });

  it('refuses unknown fields and dedupes category ids', () => {
    expect(CreateTodoSchema.safeParse({ title: 'x', userId: 2 }).success).toBe(false);
    expect(CreateTodoSchema.parse({ title: 'x', categoryIds: [3, 1, 3] }).categoryIds).toEqual([3, 1]);
  });

  it('requires at least one field in a patch, and allows clearing description and due date', () => {
    expect(UpdateTodoSchema.safeParse({}).success).toBe(false);
    expect(UpdateTodoSchema.parse({ description: null, dueAt: null })).toEqual({ description: null, dueAt: null });
  });

  it('parses the list query with a default limit', () => {
    expect(ListTodosQuerySchema.parse({})).toEqual({ limit: 20 });
    expect(ListTodosQuerySchema.parse({ completed: 'false', limit: '100', category: '4' })).toEqual({
      completed: false,
      limit: 100,
      category: 4,
    });
  });
});

describe('completion', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const earlier = new Date('2026-11-25T08:00:00Z');

  it('sets completedAt when completing and clears it when reopening', () => {
    expect(applyCompletion({ completed: false, completedAt: null }, true, now)).toEqual({
      completed: true,
      completedAt: now,
    });
    expect(applyCompletion({ completed: true, completedAt: earlier }, false, now)).toEqual({
      completed: false,
      completedAt: null,
    });
  });

  it('keeps the state when completion is not asked to change', () => {
    expect(applyCompletion({ completed: true, completedAt: earlier }, true, now).completedAt).toBe(earlier);
    expect(applyCompletion({ completed: true, completedAt: earlier }, undefined, now).completedAt).toBe(earlier);
  });

  it('names the change for the outbox', () => {
    expect(changeKind({ completed: false }, { completed: true })).toBe('todo.completed');
    expect(changeKind({ completed: true }, { completed: false })).toBe('todo.reopened');
    expect(changeKind({ completed: true }, { completed: true })).toBe('todo.updated');
  });
});

describe('the list cursor', () => {
  it('round-trips an id and looks opaque', () => {
    const cursor = encodeCursor(12345);
    expect(cursor).not.toContain('12345');
    expect(cursor).toMatch(CURSOR_PATTERN);
    expect(decodeCursor(cursor)).toBe(12345);
    expect(decodeCursor(encodeCursor(MAX_ID))).toBe(MAX_ID);
  });

  // The OpenAPI document publishes CURSOR_PATTERN: a client (or Schemathesis) that sends any
  // string matching it must get a page, never a 422.
  it.each(['AAAAAA', 'f____w', 'AAAAAQ', 'Zz09-g', 'bcdefg'])('reads every cursor the pattern allows: %j', (cursor) => {
    expect(cursor).toMatch(CURSOR_PATTERN);
    const id = decodeCursor(cursor);
    expect(id).toBeTypeOf('number');
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThanOrEqual(MAX_ID);
  });

  it.each([
    '',
    'garbage',
    'gAAAAA', // the top bit set: above the largest id
    'AAAAAB', // bits past the 32 the cursor carries
    'AAAA=A',
    'AAAAAAA', // one character too many
  ])('refuses %j', (cursor) => {
    expect(CURSOR_PATTERN.test(cursor)).toBe(false);
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});

describe('title search', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLikePattern('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
