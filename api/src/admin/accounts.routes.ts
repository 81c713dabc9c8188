/**
 * Deactivating an account without SQL: POST /admin/users/:id/deactivate and /reactivate
 * (ADMIN_TOKEN). The change is committed in PostgreSQL, then written into the account-state
 * cache that authentication reads (Redis, shared by every replica, or process memory) before
 * the route answers: the next request made with that user's token, on any replica, is a 403
 * (account-inactive), and a reactivated account works again at once. See auth/account-states.ts.
 */

import { z } from '@hono/zod-openapi';
import type { AccountStates } from '../auth/account-states.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import { ProblemError } from '../errors/problem.ts';
import { defineRoute } from '../http/access.ts';
import { createRouter, IdParamsSchema, jsonContent, problemResponses } from '../http/openapi.ts';

const AccountStateSchema = z.object({ id: z.number().int(), isActive: z.boolean() }).openapi('AccountState');

const change = (action: 'deactivate' | 'reactivate', summary: string) =>
  defineRoute('admin', {
    method: 'post',
    path: `/users/{id}/${action}`,
    operationId: `${action}Account`,
    tags: ['admin'],
    summary,
    request: { params: IdParamsSchema },
    responses: {
      200: jsonContent(AccountStateSchema, 'The account, as it now is'),
      ...problemResponses('invalid-token', 'not-found', 'validation-failed'),
    },
  });

export function accountRoutes(deps: { users: UsersRepository; accounts: Pick<AccountStates, 'changed'> }) {
  const setActive = async (id: number, isActive: boolean) => {
    const account = await deps.users.setActive(id, isActive);
    if (!account) throw new ProblemError('not-found', { detail: `There is no account ${id}.` });
    await deps.accounts.changed(account);
    return { id, isActive: account.isActive };
  };
  return createRouter()
    .openapi(change('deactivate', 'Deactivate an account: its next request is a 403'), async (c) =>
      c.json(await setActive(c.req.valid('param').id, false), 200),
    )
    .openapi(change('reactivate', 'Reactivate a deactivated account'), async (c) =>
      c.json(await setActive(c.req.valid('param').id, true), 200),
    );
}
