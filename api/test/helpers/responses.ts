/**
 * Reading response bodies with the types the routes declare, so a test that reads a field the
 * API does not send fails to compile instead of comparing `undefined`.
 */
import type { ClientResponse } from 'hono/client';
import { expect } from 'vitest';
import type { ProblemBody } from '../../src/errors/problem.ts';

type AnyClientResponse = ClientResponse<unknown, number, string>;

/** Asserts the status, then reads the JSON body as the route declares it for that status. */
export async function bodyOf<R extends AnyClientResponse, S extends R['status']>(
  response: R,
  status: S,
): Promise<Awaited<ReturnType<Extract<R, { status: S }>['json']>>> {
  expect(response.status).toBe(status);
  return (await response.json()) as Awaited<ReturnType<Extract<R, { status: S }>['json']>>;
}

/**
 * Asserts a problem+json answer with this status and reads it. The routes declare problems under
 * application/problem+json, which the typed client does not parse for us.
 */
export async function problemOf(response: Response | AnyClientResponse, status: number): Promise<ProblemBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as ProblemBody;
}

/** The same, for an answer `send` (raw, possibly hostile, input) has already read. */
export function problemIn(
  sent: { status: number; headers: Headers; json: unknown },
  status: number,
  label?: string,
): ProblemBody {
  expect(sent.status, label).toBe(status);
  expect(sent.headers.get('content-type'), label).toBe('application/problem+json');
  return sent.json as ProblemBody;
}
