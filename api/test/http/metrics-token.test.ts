/** /metrics is public by default (the lab's Prometheus scrapes it); METRICS_TOKEN closes it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

describe('GET /metrics with METRICS_TOKEN', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pgliteBackend.create();
  });
  afterAll(async () => database?.destroy());

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    const t = createTestApp(database, { METRICS_TOKEN });
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token-0123456789' }];
    for (const headers of attempts) {
      const refused = await t.send('GET', '/metrics', { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="flowlab-metrics"/);
      expect(refused.text).not.toContain('http_server_request_duration_seconds');
    }
    const scraped = await t.send('GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('# TYPE http_server_request_duration_seconds histogram');
  });

  it('stays open without it', async () => {
    const t = createTestApp(database);
    expect((await t.send('GET', '/metrics')).status).toBe(200);
  });
});
