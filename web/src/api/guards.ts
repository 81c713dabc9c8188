/**
 * Runtime guards on every response body: the seed's `isValidTodo`, and its counterparts for the
 * other shapes the API returns. TypeScript's types end at the network: a body that fails its guard
 * becomes an InvalidResponseError shown to the user, never a crash or a silently wrong list.
 * Extra fields are allowed (an API may add fields without breaking old clients); wrong types are not.
 * The types are the API's (generated from /openapi.json); each guard checks at run time what its type says.
 */
import type { components } from '@flowlab/api/api-types';

// The API's own shapes, generated from its OpenAPI document (`npm run api:types`): when a route's
// schema changes, these change with it and the guards below stop compiling where they disagree.
type Schemas = components['schemas'];
export type CategoryRef = Schemas['CategoryRef'];
export type Todo = Schemas['Todo'];
export type TodoWrite = Schemas['TodoWrite'];
export type TodoPage = Schemas['TodoPage'];
export type Category = Schemas['Category'];
export type User = Schemas['User'];
export type AccessToken = Schemas['AccessToken'];
export type RelatedTodo = Schemas['RelatedTodos']['items'][number];
export type SimilarUser = Schemas['SimilarUsers']['items'][number];
/** A problem, with the extension members some types add (`dependency` on a 503). */
export type Problem = Schemas['Problem'] & { dependency?: string };

export type Guard<T> = (value: unknown) => value is T;

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isInteger = (value: unknown): value is number => Number.isInteger(value);
const isNullableString = (value: unknown): value is string | null => value === null || isString(value);
const isDateTime = (value: unknown): value is string => isString(value) && !Number.isNaN(Date.parse(value));
const isNullableDateTime = (value: unknown): value is string | null => value === null || isDateTime(value);
const arrayOf =
  <T>(guard: Guard<T>): Guard<T[]> =>
  (value): value is T[] =>
    Array.isArray(value) && value.every(guard);

export const isCategoryRef: Guard<CategoryRef> = (value): value is CategoryRef =>
  isObject(value) && isInteger(value.id) && isString(value.name);

export const isValidTodo: Guard<Todo> = (value): value is Todo =>
  isObject(value) &&
  isInteger(value.id) &&
  isString(value.title) &&
  isNullableString(value.description) &&
  typeof value.completed === 'boolean' &&
  isNullableDateTime(value.completedAt) &&
  isNullableDateTime(value.dueAt) &&
  arrayOf(isCategoryRef)(value.categories) &&
  isDateTime(value.createdAt) &&
  isDateTime(value.updatedAt);

export const isTodoWrite: Guard<TodoWrite> = (value): value is TodoWrite =>
  isValidTodo(value) &&
  isObject((value as unknown as Fields).graph) &&
  ['synced', 'pending', 'disabled'].includes(((value as unknown as Fields).graph as Fields).status as string);

export const isTodoPage: Guard<TodoPage> = (value): value is TodoPage =>
  isObject(value) && arrayOf(isValidTodo)(value.items) && isNullableString(value.nextCursor);

export const isCategory: Guard<Category> = (value): value is Category =>
  isObject(value) && isInteger(value.id) && isString(value.name) && isDateTime(value.createdAt);

export const isCategoryList: Guard<{ items: Category[] }> = (value): value is { items: Category[] } =>
  isObject(value) && arrayOf(isCategory)(value.items);

export const isUser: Guard<User> = (value): value is User =>
  isObject(value) &&
  isInteger(value.id) &&
  isString(value.email) &&
  isNullableString(value.name) &&
  typeof value.isActive === 'boolean' &&
  isDateTime(value.createdAt);

export const isAccessToken: Guard<AccessToken> = (value): value is AccessToken =>
  isObject(value) &&
  isString(value.accessToken) &&
  value.accessToken.length > 0 &&
  value.tokenType === 'Bearer' &&
  isInteger(value.expiresIn);

const isRelatedTodo: Guard<RelatedTodo> = (value): value is RelatedTodo =>
  isObject(value) &&
  isInteger(value.id) &&
  isString(value.title) &&
  typeof value.completed === 'boolean' &&
  arrayOf(isString)(value.sharedCategories);

export const isRelatedList: Guard<{ items: RelatedTodo[] }> = (value): value is { items: RelatedTodo[] } =>
  isObject(value) && arrayOf(isRelatedTodo)(value.items);

const isSimilarUser: Guard<SimilarUser> = (value): value is SimilarUser =>
  isObject(value) &&
  isInteger(value.userId) &&
  arrayOf(isString)(value.sharedCategories) &&
  typeof value.score === 'number' &&
  value.score >= 0 &&
  value.score <= 1;

export const isSimilarList: Guard<{ items: SimilarUser[] }> = (value): value is { items: SimilarUser[] } =>
  isObject(value) && arrayOf(isSimilarUser)(value.items);

const isFieldError = (value: unknown): value is { path: string; message: string } =>
  isObject(value) && isString(value.path) && isString(value.message);

/** A problem+json body (RFC 9457) as the API writes it; anything else is not trusted as one. */
export const isProblem: Guard<Problem> = (value): value is Problem =>
  isObject(value) &&
  isString(value.type) &&
  isString(value.title) &&
  isInteger(value.status) &&
  (value.detail === undefined || isString(value.detail)) &&
  (value.requestId === undefined || isString(value.requestId)) &&
  (value.errors === undefined || arrayOf(isFieldError)(value.errors));
