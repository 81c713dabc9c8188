/**
 * Every page of the walkthrough in a real browser: no console errors, every internal link
 * resolves, axe-core finds no serious or critical violation (in the light and the dark theme),
 * and without JavaScript a step page still shows the command to run.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';
import { launchBrowser } from './browser.ts';
import { otherPages, stepPages } from './pages.ts';

let server: StartedServer;
let browser: Browser;
const allPages = [...otherPages, ...stepPages.map((p) => p.path)];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ AUTH_RATE_LIMIT: '500' }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('every page', () => {
  const links = new Set<string>();

  for (const path of allPages) {
    it(`${path}: no console error, no serious accessibility violation`, async () => {
      const context = await browser.newContext();
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`${server.base}${path}`, { waitUntil: 'networkidle' });
      for (const theme of ['light', 'dark']) {
        await tab.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
        // Starlight's own search button names itself "Search" beside a visible "Ctrl K" hint
        // (label-content-name-mismatch): not this site's markup, so left out of the scan.
        const { violations } = await new AxeBuilder({ page: tab }).exclude('site-search > button').analyze();
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
          [],
        );
      }
      for (const href of await tab.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href))) {
        const url = new URL(href);
        if (url.origin === new URL(server.base).origin && url.pathname.startsWith('/learn/')) links.add(url.pathname);
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('every internal link resolves', async () => {
    // Every page is reached by some link (the sidebar at least), and every link reaches a page.
    expect([...links].sort()).toEqual(expect.arrayContaining(allPages));
    const broken: string[] = [];
    for (const link of links) {
      const response = await fetch(`${server.base}${link}`);
      if (response.status !== 200) broken.push(`${link} → ${response.status}`);
    }
    expect(broken).toEqual([]);
  });
});

describe('without JavaScript', () => {
  it('a step page shows the curl command and no dead button', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const tab = await context.newPage();
    await tab.goto(`${server.base}/learn/steps/duplicate-check/`);
    const panel = tab.locator('run-it');
    expect(await panel.innerText()).toContain('curl -i -X POST "$API/todos"');
    expect(await panel.getByRole('button', { name: 'Send the request' }).isVisible()).toBe(false);
    expect(await tab.locator('lab-exercise').innerText()).toContain('export TRACEPARENT=');
    await context.close();
  });
});
