/** The lab's fault switches: off by default, admin-only, and really felt by the next request. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

const ADMIN_TOKEN = 'lab-admin-token-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('lab fault switches', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await postgresBackend.create();
  });
  afterAll(async () => database?.destroy());

  it('do not exist outside development unless LAB_MODE=1', async () => {
    // testConfig is NODE_ENV=test, where lab mode defaults off (in development it defaults on).
    const t = createTestApp(database, { ADMIN_TOKEN });
    expect(t.config.LAB_MODE).toBe(false);
    expect((await t.send('GET', '/lab/faults', { headers: admin })).status).toBe(404);
  });

  it('need the admin token', async () => {
    const t = createTestApp(database, { ADMIN_TOKEN, LAB_MODE: '1' });
    const { token } = await t.signUp();
    expect((await t.send('GET', '/lab/faults')).status).toBe(401);
    // A user's token is not the admin token.
    expect((await t.send('GET', '/lab/faults', { token })).status).toBe(401);
    expect((await t.send('GET', '/lab/faults', { headers: admin })).json).toEqual({ faults: {} });
  });

  it('slow down and then break PostgreSQL calls, and reset them', async () => {
    const t = createTestApp(database, { ADMIN_TOKEN, LAB_MODE: '1' });
    const { token } = await t.signUp();

    const slow = await t.send('PUT', '/lab/faults/postgresql', { headers: admin, body: { latencyMs: 150 } });
    expect(slow.json).toEqual({ faults: { postgresql: { latencyMs: 150, errorRate: 0 } } });
    const started = performance.now();
    expect((await t.send('GET', '/todos', { token })).status).toBe(200);
    // Authentication and the list are at least two queries, each delayed.
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);

    await t.send('PUT', '/lab/faults/postgresql', { headers: admin, body: { errorRate: 1 } });
    const broken = await t.send('GET', '/readyz');
    expect(broken.status).toBe(503);
    expect(broken.json.detail).toContain('lab fault: injected postgresql error');

    expect((await t.send('DELETE', '/lab/faults', { headers: admin })).json).toEqual({ faults: {} });
    expect((await t.send('GET', '/readyz')).status).toBe(200);
  });

  it('validate what they are given', async () => {
    const t = createTestApp(database, { ADMIN_TOKEN, LAB_MODE: '1' });
    expect((await t.send('PUT', '/lab/faults/mysql', { headers: admin, body: { latencyMs: 1 } })).status).toBe(422);
    expect((await t.send('PUT', '/lab/faults/redis', { headers: admin, body: { errorRate: 2 } })).status).toBe(422);
  });
});
