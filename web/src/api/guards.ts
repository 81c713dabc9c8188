/**
 * Runtime guards on every response body: the seed's `isValidTodo`, and its counterparts for the
 * other shapes the API returns. TypeScript's types end at the network: a body that fails its guard
 * becomes an InvalidResponseError shown to the user, never a crash or a silently wrong list.
 *
 * Nothing here is typed twice: the types and the guards are both generated from the OpenAPI document
 * the API serves (`npm run api:types` writes api/generated/api-types.ts and api-guards.ts), so a
 * route's zod schema is the one place a shape is written. Extra fields are allowed (an API may add
 * fields without breaking old clients); wrong types, missing fields and malformed dates are not.
 */
import type { components } from '@flowlab/api/api-types';

export {
  type Guard,
  isAccessToken,
  isCategory,
  isCategoryList,
  isProblem,
  isRelatedTodos,
  isSimilarUsers,
  isTodo as isValidTodo,
  isTodoPage,
  isTodoWrite,
  isUser,
} from '@flowlab/api/api-guards';

type Schemas = components['schemas'];
export type Todo = Schemas['Todo'];
export type TodoWrite = Schemas['TodoWrite'];
export type TodoPage = Schemas['TodoPage'];
export type Category = Schemas['Category'];
export type CategoryList = Schemas['CategoryList'];
export type User = Schemas['User'];
export type AccessToken = Schemas['AccessToken'];
export type RelatedTodos = Schemas['RelatedTodos'];
export type RelatedTodo = RelatedTodos['items'][number];
export type SimilarUsers = Schemas['SimilarUsers'];
export type SimilarUser = SimilarUsers['items'][number];
export type Problem = Schemas['Problem'];
