/**
 * The dashboard pages in a real browser, drawn from a real Prometheus (Debian's, the test's own,
 * scraping the real app every second; api/test/helpers/prometheus.ts): charts with data on their
 * canvas and a legend, in the light and the dark theme, inside an 800 px window; the empty states
 * that say why (no data yet, the collector's panels); and, with Prometheus not running, the one
 * command that starts it. Screenshots in docs/test-results/dashboards/.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend as pglite, type TestDatabase } from '../../../api/test/helpers/backends.ts';
import { scrapedAtLeast, startPrometheus, type TestPrometheus } from '../../../api/test/helpers/prometheus.ts';
import { freePort } from '../../../api/test/helpers/start-server.ts';
import { createTestApp } from '../../../api/test/helpers/test-app.ts';
import { launchBrowser } from './browser.ts';

const shots = fileURLToPath(new URL('../../test-results/dashboards/', import.meta.url));

/** The real app (docs/dist served at /learn/) listening on `port`, reading `prometheusUrl`. */
async function serveApp(database: TestDatabase, port: number, prometheusUrl: string) {
  const app = createTestApp(database, { PROMETHEUS_URL: prometheusUrl }).app;
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }) as Server;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** How many pixels of a figure's canvas are coloured (a series' line), not grey (axes, grid) or blank. */
function colouredPixels(tab: Page, figure: string) {
  return tab.locator(`${figure} canvas`).evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? { data: [] };
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) count++;
    }
    return count;
  });
}

describe('the dashboard pages, drawn', () => {
  let database: TestDatabase;
  let prometheus: TestPrometheus;
  let browser: Browser;
  let lab: { base: string; close: () => Promise<unknown> };
  let noPrometheus: { base: string; close: () => Promise<unknown> };
  let [otherPort, deadPort] = [0, 0];
  let started: TestPrometheus | undefined;

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    [otherPort, deadPort] = [await freePort(), await freePort()];
    const port = await freePort();
    [database, prometheus, browser] = await Promise.all([
      pglite.create(),
      startPrometheus([`127.0.0.1:${port}`]),
      launchBrowser(),
    ]);
    lab = await serveApp(database, port, prometheus.url);
    // Nothing listens on deadPort: a Prometheus that is not running.
    noPrometheus = await serveApp(database, otherPort, `http://127.0.0.1:${deadPort}`);
    for (let i = 0; i < 5; i++)
      for (const path of ['/healthz', '/todos', '/problems', '/todos/1']) await fetch(`${lab.base}${path}`);
    await scrapedAtLeast(prometheus, 6);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    await noPrometheus?.close();
    await prometheus?.stop();
    await started?.stop();
    await database?.destroy();
  });

  async function open(base: string, path: string) {
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    return { tab, errors, close: () => context.close() };
  }

  it('draws the API overview as charts with data and a legend, in both themes, inside 800 px', async () => {
    const { tab, errors, close } = await open(lab.base, '/learn/dashboards/api-overview/');
    const rate = 'section[data-panel="1"] figure.panel-chart';
    await tab.locator(`${rate}[data-state="drawn"]`).waitFor({ timeout: 20_000 });
    expect(Number(await tab.locator(rate).getAttribute('data-points'))).toBeGreaterThan(0);
    // Where a learner looks: uPlot paints on a frame, which a busy machine may hold back a while.
    await tab.locator(rate).scrollIntoViewIfNeeded();
    await expect.poll(() => colouredPixels(tab, rate), { timeout: 20_000 }).toBeGreaterThan(8);
    const legend = await tab.locator(`${rate} .u-legend .u-series .u-label`).allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['/healthz', '/todos', '/problems']));
    // Every panel of the page is drawn: this app answers every query they ask (each panel asks on
    // its own, so the last may still be on its way on a busy machine).
    const panels = await tab.locator('figure.panel-chart').count();
    await expect
      .poll(() => tab.locator('figure.panel-chart[data-state="drawn"]').count(), { timeout: 20_000 })
      .toBe(panels);
    // The query and its Prometheus link stay below the chart.
    const order = await tab
      .locator('section[data-panel="1"]')
      .evaluate((section) =>
        ['figure.panel-chart', '.expressive-code', 'a.prometheus-link'].map((s) =>
          Array.prototype.indexOf.call(section.querySelectorAll('*'), section.querySelector(s)),
        ),
      );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBeGreaterThan(-1);
    for (const theme of ['light', 'dark']) {
      await tab.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
      await expect.poll(() => colouredPixels(tab, rate), { timeout: 20_000 }).toBeGreaterThan(8);
      await tab.locator('section[data-panel="1"]').screenshot({ path: `${shots}api-overview-rate-${theme}.png` });
      // The drawn charts and their legends, as pages.test.ts scans every page (Starlight's search button aside).
      const { violations } = await new AxeBuilder({ page: tab }).exclude('site-search > button').analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await tab.screenshot({ path: `${shots}api-overview-${theme}.png`, fullPage: true });
    }
    expect(errors).toEqual([]);
    await close();
  });

  it('says why a panel has no chart: no data yet, or the collector that makes it', async () => {
    const { tab, errors, close } = await open(lab.base, '/learn/dashboards/span-metrics/');
    const fromSpans = tab.locator('section', { hasText: 'Request rate: from spans' });
    await fromSpans.locator('figure.panel-chart[data-state="empty"]').waitFor({ timeout: 20_000 });
    expect(await fromSpans.locator('.panel-needs').textContent()).toMatch(/needs the OpenTelemetry Collector/);
    expect(await fromSpans.locator('.chart-state').textContent()).toContain('bash scripts/services.sh up collector');
    const direct = tab.locator('section', { hasText: 'Request rate: direct' });
    expect(await direct.locator('figure.panel-chart').getAttribute('data-state')).toBe('drawn');
    expect(await direct.locator('.panel-needs').count()).toBe(0);
    await tab.screenshot({ path: `${shots}span-metrics.png`, fullPage: true });
    const dependencies = await open(lab.base, '/learn/dashboards/dependencies/');
    const rejections = dependencies.tab.locator('section', { hasText: 'Rate-limit rejections' });
    await rejections.locator('figure.panel-chart[data-state="empty"]').waitFor({ timeout: 20_000 });
    expect(await rejections.locator('.chart-state').textContent()).toMatch(
      /^No data yet in this range: send some requests/,
    );
    await dependencies.tab.screenshot({ path: `${shots}dependencies.png`, fullPage: true });
    expect([...errors, ...dependencies.errors]).toEqual([]);
    await dependencies.close();
    await close();
  });

  it('says Prometheus is not running, with the one command that starts it', async () => {
    const { tab, errors, close } = await open(noPrometheus.base, '/learn/dashboards/api-overview/');
    const status = tab.locator('dashboard-charts .charts-status');
    await status.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await status.textContent()).toContain('Prometheus is not running');
    expect(await status.textContent()).toContain('bash scripts/services.sh up prometheus');
    expect(await tab.locator('figure.panel-chart[data-state="unavailable"]').count()).toBe(
      await tab.locator('figure.panel-chart').count(),
    );
    expect(await tab.locator('figure.panel-chart canvas').count()).toBe(0);
    await tab.screenshot({ path: `${shots}prometheus-not-running.png`, fullPage: true });
    // The API said so at /debug/views (prometheus.running): no query was sent to fail.
    expect(errors).toEqual([]);

    // The learner starts it, as the page says: the page draws at its next refresh, untouched.
    started = await startPrometheus([`127.0.0.1:${otherPort}`], { port: deadPort });
    await tab.locator('figure.panel-chart[data-state="drawn"]').first().waitFor({ timeout: 40_000 });
    expect(await status.isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await close();
  }, 90_000);
});
