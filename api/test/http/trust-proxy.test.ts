/**
 * TRUST_PROXY counts trusted hops: the client address is the X-Forwarded-For entry that many
 * places from the right (the socket's peer counts as the first), as Express and Fastify read it.
 * The leftmost entry is whatever the client wrote, so it must never name the rate-limit bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

/** What @hono/node-server's getConnInfo reads: the socket the request came in on. */
const fromSocket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remoteFamily: 'IPv4' } } });

describe('TRUST_PROXY as a count of trusted hops', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pgliteBackend.create();
  });
  afterAll(async () => database?.destroy());

  async function loginsUntilLimited(trustProxy: string, forwardedFor: (i: number) => string) {
    const t = createTestApp(database, { TRUST_PROXY: trustProxy, AUTH_RATE_LIMIT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await t.app.request(
        '/auth/login',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor(i) },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password!' }),
        },
        fromSocket('10.0.0.2'),
      );
      statuses.push(response.status);
    }
    return statuses;
  }

  it('with one hop, reads the rightmost entry: a forged leftmost address does not open a new bucket', async () => {
    // nginx's `proxy_add_x_forwarded_for` appends the address it saw to what the client sent.
    const statuses = await loginsUntilLimited('1', (i) => `198.51.100.${i}, 203.0.113.7`);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
  });

  it('with two hops, reads the second entry from the right', async () => {
    const statuses = await loginsUntilLimited('2', (i) => `198.51.100.${i}, 203.0.113.7, 10.0.0.1`);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    const distinct = await loginsUntilLimited('2', (i) => `203.0.113.${i}, 10.0.0.1`);
    expect(distinct).toEqual([401, 401, 401, 401, 401, 401]);
  });

  it('without it, X-Forwarded-For is ignored and the socket decides', async () => {
    const statuses = await loginsUntilLimited('0', (i) => `203.0.113.${i}`);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
  });
});
