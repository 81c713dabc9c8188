/**
 * Deactivating an account without SQL: POST /admin/users/:id/deactivate and /reactivate
 * (ADMIN_TOKEN). Authentication reads the account on every request, so the next request made
 * with that user's token is a 403 (account-inactive), and a reactivated account works again at once.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { UsersRepository } from '../auth/users.repository.ts';
import { ProblemError } from '../errors/problem.ts';
import { bearerSecurity, createRouter, IdParamsSchema, jsonContent, problemResponses } from '../http/openapi.ts';

const AccountStateSchema = z.object({ id: z.number().int(), isActive: z.boolean() }).openapi('AccountState');

const change = (action: 'deactivate' | 'reactivate', summary: string) =>
  createRoute({
    method: 'post',
    path: `/users/{id}/${action}`,
    operationId: `${action}Account`,
    tags: ['admin'],
    security: bearerSecurity,
    summary,
    request: { params: IdParamsSchema },
    responses: {
      200: jsonContent(AccountStateSchema, 'The account, as it now is'),
      ...problemResponses('invalid-token', 'not-found', 'validation-failed'),
    },
  });

export function accountRoutes(deps: { users: UsersRepository }) {
  const setActive = async (id: number, isActive: boolean) => {
    if (!(await deps.users.setActive(id, isActive))) {
      throw new ProblemError('not-found', { detail: `There is no account ${id}.` });
    }
    return { id, isActive };
  };
  return createRouter()
    .openapi(change('deactivate', 'Deactivate an account: its next request is a 403'), async (c) =>
      c.json(await setActive(c.req.valid('param').id, false), 200),
    )
    .openapi(change('reactivate', 'Reactivate a deactivated account'), async (c) =>
      c.json(await setActive(c.req.valid('param').id, true), 200),
    );
}
