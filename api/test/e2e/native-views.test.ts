/**
 * The lab without Docker, in a real browser: no Grafana, and a Jaeger with no UI of its own.
 * The docs' Jaeger search (/learn/explore/) lists the API's and the outbox worker's traces from the
 * native Jaeger and opens them in the waterfall; /learn/traces/?id= draws a trace only Jaeger has;
 * every dashboard page's Prometheus links open and, run as Prometheus runs them (the link's range
 * and step), answer with data for every panel the stack test proves has data (stack.test.ts: all
 * but the k6 ones, whose series exist only during a k6 run). A screenshot of each page is kept in
 * docs/test-results/native-views/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSlug, dashboards } from '../../../docs/src/lib/dashboard-pages.ts';
import { parseDuration } from '../../../docs/src/lib/dashboards.ts';
import { launchBrowser } from '../../../docs/test/browser/browser.ts';
import { type FullServer, startFullServer, tracedClient } from '../helpers/full-server.ts';
import { eventually } from '../helpers/services.ts';

const JAEGER = 'http://127.0.0.1:16686';
const PROMETHEUS = 'http://127.0.0.1:9090';
const ADMIN_TOKEN = 'e2e-views-admin-token-0123456789';
const shots = fileURLToPath(new URL('../../../docs/test-results/native-views/', import.meta.url));

describe('the native lab in a browser: traces from Jaeger, dashboards from Prometheus', () => {
  let full: FullServer;
  let browser: Browser;
  const client = tracedClient(() => full.server.base);
  const traces = { create: '', pending: '' };

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    [full, browser] = await Promise.all([
      startFullServer({
        // Prometheus scrapes the API at 127.0.0.1:8000.
        PORT: '8000',
        LAB_MODE: '1',
        ADMIN_TOKEN,
        OUTBOX_POLL_MS: '50',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_BSP_SCHEDULE_DELAY: '500',
        JAEGER_QUERY_URL: JAEGER,
        AUTH_RATE_LIMIT: '500',
      }),
      launchBrowser(),
    ]);
    // The traffic the dashboards show: creates, reads (cached and not), a completion, a delete,
    // a create the outbox worker applies (Neo4j failing), and creates past the rate limit.
    const credentials = { email: `views-${Date.now()}@example.com`, password: 'no docker needed' };
    await client.call('POST', '/auth/register', credentials);
    client.setToken((await client.call('POST', '/auth/login', credentials)).json.accessToken);
    const created = await client.call('POST', '/todos', { title: 'Seen without Grafana' });
    traces.create = created.traceId;
    await client.call('GET', '/todos');
    await client.call('GET', '/todos');
    await client.call('GET', `/todos/${created.json.id}`);
    await client.call('PATCH', `/todos/${created.json.id}`, { completed: true });
    traces.pending = (
      await client.whileNeo4jFails(ADMIN_TOKEN, () => client.call('POST', '/todos', { title: 'Applied by the worker' }))
    ).traceId;
    for (let i = 0; i < 10; i++) await client.call('POST', '/todos', { title: `burst ${i}` });
    await client.call('DELETE', `/todos/${created.json.id}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await full?.stop();
  });

  async function openPage(
    path: string,
    height = 900,
  ): Promise<{ tab: Page; errors: string[]; close: () => Promise<void> }> {
    // A tall window for a long page: an element's screenshot then has no sticky header over it.
    const context = await browser.newContext({ viewport: { width: 1280, height } });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(`${full.server.base}${path}`, { waitUntil: 'networkidle' });
    return { tab, errors, close: () => context.close() };
  }

  it("lists the API's and the worker's traces from the native Jaeger, and opens them in the waterfall", async () => {
    // This run's worker trace: the outbox event span that links back to the create Neo4j refused.
    const workerTrace = await eventually(
      async () => {
        const url = `${JAEGER}/api/traces?service=flowlab-api&operation=${encodeURIComponent('outbox event todo.created')}&limit=50&lookback=1h`;
        const { data } = (await (await fetch(url)).json()) as {
          data: { traceID: string; spans: { references: { traceID: string }[] }[] }[];
        };
        const linked = data.find((t) => t.spans.some((s) => s.references.some((r) => r.traceID === traces.pending)));
        if (!linked) throw new Error('the worker has not applied the event yet');
        return linked.traceID;
      },
      { timeoutMs: 40_000, intervalMs: 1000 },
    );
    const { tab, errors, close } = await openPage('/learn/explore/?as=admin&lookback=15m&limit=40', 2400);
    await tab.fill('input[name="adminToken"]', ADMIN_TOKEN);
    const listed = (traceId: string) => tab.locator(`.recent-list button[data-trace-id="${traceId}"]`);
    await eventually(
      async () => {
        await tab.click('button[type="submit"]');
        await tab.locator('jaeger-search .summary', { hasNotText: '…' }).waitFor();
        if ((await listed(traces.create).count()) === 0) throw new Error('the API trace is not listed yet');
        if ((await listed(workerTrace).count()) === 0) throw new Error('the worker trace is not listed yet');
      },
      { timeoutMs: 40_000, intervalMs: 1000 },
    );
    expect(await listed(traces.create).textContent()).toMatch(/^flowlab-api: POST \/todos → 201/);
    expect(await listed(workerTrace).textContent()).toMatch(/^flowlab-api: outbox drain/);
    expect(await tab.locator('jaeger-search .status').textContent()).toMatch(/no UI of its own/);
    // No link to a Jaeger UI that is not there.
    expect(await tab.locator('a[href*=":16686"]').count()).toBe(0);

    // The worker's trace: its drain and the event it applied, linked to the request that wrote it.
    await listed(workerTrace).click();
    const trace = tab.locator('jaeger-search .trace');
    await trace.locator('details[data-span="outbox drain"]').waitFor();
    const events = trace.locator('details[data-span="outbox event todo.created"]');
    expect(await events.count()).toBeGreaterThan(0);
    expect(await events.locator(`a[href$="?id=${traces.pending}"]`).count()).toBe(1);
    await events.first().locator('summary').click();
    await trace.screenshot({ path: `${shots}explore-jaeger-worker.png` });

    // The API's own request: the SERVER span and the steps of the request path.
    await listed(traces.create).click();
    await trace.locator('details[data-span="POST /todos"]').waitFor();
    for (const name of ['authenticate', 'validate request', 'duplicate check', 'outbox write'])
      expect(await trace.locator(`details[data-span="${name}"]`).count(), name).toBe(1);
    await trace.locator('details[data-span="authenticate"] summary').click();
    expect(await trace.locator('details[data-span="authenticate"]').textContent()).toContain('enduser.id');
    // The search and its results, then the waterfall it opened (the page is long: one shot each).
    await tab.locator('jaeger-search form').screenshot({ path: `${shots}explore-jaeger-search.png` });
    await tab.locator('jaeger-search .recent-list').screenshot({ path: `${shots}explore-jaeger-results.png` });
    await trace.screenshot({ path: `${shots}explore-jaeger-waterfall.png` });
    expect(await tab.locator('.recent-list button', { hasText: /^jaeger: / }).count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  }, 90_000);

  it("draws a trace only Jaeger has (not in the API's recent traces) from its id", async () => {
    // Jaeger traces its own query API: a trace of another process, which this API never kept.
    const foreign = await eventually(
      async () => {
        const response = await fetch(`${JAEGER}/api/traces?service=jaeger&limit=1&lookback=1h`);
        const { data } = (await response.json()) as { data: { traceID: string }[] };
        if (!data[0]) throw new Error('no jaeger trace yet');
        return data[0].traceID;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect((await fetch(`${full.server.base}/debug/traces/${foreign}`)).status).toBe(404);
    const { tab, errors, close } = await openPage(`/learn/traces/?id=${foreign}`);
    await tab.locator('trace-view .waterfall').waitFor();
    expect(await tab.locator('trace-view .trace-heading').textContent()).toContain('from Jaeger, jaeger');
    expect(await tab.locator('trace-view .waterfall details').count()).toBeGreaterThan(0);
    await tab.screenshot({ path: `${shots}trace-by-id-from-jaeger.png`, fullPage: true });
    // The page asks the recent-traces store first, and its miss is a 404 the browser logs as a failed
    // load: that one is the design (the store answers a learner's own trace at once). Nothing else.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    expect(errors.length).toBeLessThanOrEqual(1);
    await close();
  });

  it('gives every dashboard panel a Prometheus link that answers, with data', async () => {
    const views = dashboards();
    const links: { where: string; href: string }[] = [];
    const index = await openPage('/learn/dashboards/');
    await index.tab.screenshot({ path: `${shots}dashboards.png`, fullPage: true });
    expect(index.errors).toEqual([]);
    await index.close();
    for (const dashboard of views) {
      const slug = dashboardSlug(dashboard.uid);
      const { tab, errors, close } = await openPage(`/learn/dashboards/${slug}/`);
      const found = await tab.$$eval('a.prometheus-link', (as) =>
        as.map((a) => ({
          title: a.closest('section')?.querySelector('h2')?.textContent ?? '',
          href: a.getAttribute('href') ?? '',
        })),
      );
      expect(found.map((f) => f.title)).toEqual(dashboard.panels.map((p) => p.title));
      for (const link of found) links.push({ where: `${slug} / ${link.title}`, href: link.href });
      await tab.screenshot({ path: `${shots}dashboard-${slug}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await close();
    }

    // Each link opens Prometheus's graph page; each of its queries, run over the link's range at its
    // step, has data (once two scrapes have seen the traffic above).
    const empty = await eventually(
      async () => {
        const missing: string[] = [];
        for (const { where, href } of links) {
          const url = new URL(href);
          expect(url.origin).toBe(PROMETHEUS);
          expect((await fetch(url)).status, where).toBe(200);
          for (let i = 0; url.searchParams.has(`g${i}.expr`); i++) {
            const expr = url.searchParams.get(`g${i}.expr`) ?? '';
            const end = Date.now() / 1000;
            const range = parseDuration(url.searchParams.get(`g${i}.range_input`) ?? '');
            const query = new URLSearchParams({
              query: expr,
              start: String(end - range),
              end: String(end),
              step: url.searchParams.get(`g${i}.step_input`) ?? '',
            });
            const response = await fetch(`${PROMETHEUS}/api/v1/query_range?${query}`);
            expect(response.status, `${where}: ${expr}`).toBe(200);
            const body = (await response.json()) as { data: { result: unknown[] } };
            if (body.data.result.length === 0 && !/\bk6_/.test(expr)) missing.push(`${where} / g${i}: ${expr}`);
          }
        }
        if (missing.length > 0) throw new Error(`no data yet:\n${missing.join('\n')}`);
        return missing;
      },
      { timeoutMs: 60_000, intervalMs: 5000 },
    );
    expect(empty).toEqual([]);

    // And Prometheus's own page draws one: the latency panel, as a learner opens it.
    const latency = links.find((l) => l.where.includes('Latency p50'));
    if (!latency) throw new Error('no latency panel');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(latency.href, { waitUntil: 'networkidle' });
    await tab.waitForTimeout(1000);
    await tab.screenshot({ path: `${shots}prometheus-latency-panel.png`, fullPage: true });
    await context.close();
  }, 180_000);
});
