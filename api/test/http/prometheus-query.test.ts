/**
 * /debug/prometheus/query_range against a real Prometheus (Debian's, a test's own: helpers/
 * prometheus.ts) scraping the real app, listening in this process, every second: the series come back aligned on the
 * query's timestamps, every dashboard panel's query answers (small enough for a page), a query
 * Prometheus cannot run is the learner's 422 without Prometheus's words, and the caps hold.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboards } from '../../../docs/src/lib/dashboard-pages.ts';
import { pgliteBackend as pglite, type TestDatabase } from '../helpers/backends.ts';
import { scrapedAtLeast, startPrometheus, type TestPrometheus } from '../helpers/prometheus.ts';
import { freePort } from '../helpers/start-server.ts';
import { createTestApp } from '../helpers/test-app.ts';

describe('the Prometheus view on a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let server: Server;
  let base = '';
  let database: TestDatabase;

  const ask = async (params: Record<string, string>) => {
    const response = await fetch(`${base}/debug/prometheus/query_range?${new URLSearchParams(params)}`);
    const text = await response.text();
    return { status: response.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
  };
  const lastMinutes = (minutes: number, step: number) => {
    const end = Math.floor(Date.now() / 1000);
    return { start: String(end - minutes * 60), end: String(end), step: String(step) };
  };

  beforeAll(async () => {
    const port = await freePort();
    [prometheus, database] = await Promise.all([startPrometheus([`127.0.0.1:${port}`]), pglite.create()]);
    const api = createTestApp(database, { PROMETHEUS_URL: prometheus.url });
    server = serve({ fetch: api.app.fetch, port, hostname: '127.0.0.1' }) as Server;
    base = `http://127.0.0.1:${port}`;
    // Traffic on three routes, then enough scrapes for a rate over it.
    for (let i = 0; i < 5; i++) {
      await fetch(`${base}/healthz`);
      await fetch(`${base}/todos`);
      await fetch(`${base}/problems`);
    }
    await scrapedAtLeast(prometheus, 4);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await prometheus?.stop();
    await database?.destroy();
  });

  it('tells the pages, at /debug/views, that this Prometheus is read and running', async () => {
    const views = (await (await fetch(`${base}/debug/views`)).json()) as { prometheus: unknown };
    expect(views.prometheus).toMatchObject({ query: true, running: true });
  });

  it('answers a range query as series aligned on one list of timestamps, with the API’s requests in them', async () => {
    const range = lastMinutes(1, 1);
    const answer = await ask({ query: 'sum by (http_route) (http_server_request_duration_seconds_count)', ...range });
    expect(answer.status).toBe(200);
    const { timestamps, series, seriesTotal } = answer.json;
    expect(timestamps).toHaveLength(61);
    expect(timestamps[0]).toBe(Number(range.start));
    expect(timestamps.at(-1)).toBe(Number(range.end));
    const byRoute = Object.fromEntries(
      series.map((s: { labels: { http_route: string }; values: (number | null)[] }) => [s.labels.http_route, s.values]),
    );
    expect(Object.keys(byRoute)).toEqual(expect.arrayContaining(['/healthz', '/todos', '/problems']));
    for (const values of Object.values(byRoute) as (number | null)[][]) expect(values).toHaveLength(61);
    // The newest point counts the five /healthz requests (and none before the server started).
    expect(byRoute['/healthz'].filter((v: number | null) => v !== null).at(-1)).toBeGreaterThanOrEqual(5);
    expect(byRoute['/healthz'][0]).toBeNull();
    expect(seriesTotal).toBe(series.length);
  });

  it("answers every dashboard panel's query, each answer well under the page's budget", async () => {
    const sizes: string[] = [];
    for (const dashboard of dashboards())
      for (const panel of dashboard.panels)
        for (const query of panel.queries) {
          const answer = await ask({
            query: query.expr,
            ...lastMinutes(panel.timing.rangeSeconds / 60, panel.timing.stepSeconds),
          });
          expect(answer.status, `${dashboard.title} / ${panel.title}: ${query.expr}`).toBe(200);
          expect(answer.bytes).toBeLessThan(64 * 1024);
          sizes.push(`${answer.bytes} B, ${answer.json.series.length} series: ${dashboard.title} / ${panel.title}`);
        }
    // The figures for the README (npx vitest run … --reporter=verbose shows them).
    console.info(sizes.join('\n'));
  });

  it('returns at most 50 series and says how many there were', async () => {
    // Every series of every metric: the API exposes well over 50.
    const answer = await ask({ query: '{job="flowlab-api"}', ...lastMinutes(1, 5) });
    expect(answer.status).toBe(200);
    expect(answer.json.series).toHaveLength(50);
    expect(answer.json.seriesTotal).toBeGreaterThan(50);
    console.info(`the 50-series answer: ${answer.bytes} B`);
  });

  it('turns a query Prometheus cannot run into a 422 on `query`, without Prometheus’s own words', async () => {
    const answer = await ask({ query: 'sum by (route (rate(', ...lastMinutes(1, 5) });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ type: '/problems/validation-failed', dependency: 'prometheus' });
    expect(answer.json.errors).toEqual([{ path: 'query.query', message: 'Prometheus refused it (bad_data)' }]);
    expect(JSON.stringify(answer.json)).not.toMatch(/parse error|unexpected/i);
  });

  it('refuses an answer larger than PROMETHEUS_QUERY_MAX_BYTES, as a 502, rather than buffering it', async () => {
    const t = createTestApp(database, {
      PROMETHEUS_URL: prometheus.url,
      PROMETHEUS_QUERY_MAX_BYTES: String(16 * 1024),
    });
    const end = Math.floor(Date.now() / 1000);
    const answer = await t.send(
      'GET',
      `/debug/prometheus/query_range?query=${encodeURIComponent('{job="flowlab-api"}')}&start=${end - 60}&end=${end}&step=1`,
    );
    expect(answer.status).toBe(502);
    expect(answer.json).toMatchObject({ type: '/problems/dependency-failed', dependency: 'prometheus' });
    expect(answer.json.detail).toMatch(/larger than 16 KiB/);
  });
});
