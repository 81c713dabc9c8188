/**
 * Every step page's Run it panel, in a real browser against a real `npm start` (the embedded
 * default): the button sends the request and the waterfall shows that request's trace, with the
 * step's span under the name the README's diagram uses, marked as this step.
 */
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';
import { launchBrowser } from './browser.ts';
import { stepPages } from './pages.ts';

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ LAB_MODE: '1', ADMIN_TOKEN: 'docs-test-admin-token-0123' }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Run it on every step page', () => {
  for (const page of stepPages) {
    it(`${page.path} shows its request's trace with the ${page.span} span`, async () => {
      // A fresh context is a fresh lab account: the create rate limit counts per account.
      const context = await browser.newContext();
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
      });
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(`${server.base}${page.path}`);
      await tab.getByRole('button', { name: 'Send the request' }).click();
      const row = tab.locator(`run-it .waterfall details[data-span="${page.span}"]`).first();
      await row.waitFor({ timeout: 15_000 }).catch(async (error) => {
        throw new Error(`${error.message}\nThe panel said:\n${await tab.locator('run-it').innerText()}`);
      });
      expect(await row.getAttribute('class')).toContain('highlight');
      expect(await row.locator(':scope > summary').innerText()).toContain('[this step]');
      // The trace shown is the one the API answered with (every answer carries traceresponse).
      const head = await tab.locator('run-it .response-head').innerText();
      const traceresponse = /traceresponse: 00-([0-9a-f]{32})-/.exec(head);
      expect(traceresponse, `no traceresponse among the answer's headers:\n${head}`).not.toBeNull();
      // The cache page compares two reads: the answer shown is the second, drawn last.
      expect(await tab.locator('run-it .trace-heading code').last().innerText()).toBe(traceresponse?.[1]);
      // Attributes are one key press away: each row is a <details>, its summary focusable.
      await row.locator(':scope > summary').focus();
      await tab.keyboard.press('Enter');
      await expect.poll(() => row.locator('table caption', { hasText: 'Attributes' }).isVisible()).toBe(true);
      if (page.step === 'duplicate-check') {
        mkdirSync('test-results', { recursive: true });
        await tab.screenshot({ path: 'test-results/duplicate-check-trace.png', fullPage: true });
        // The drawn waterfall and answer pass axe-core too.
        const { violations } = await new AxeBuilder({ page: tab }).include('run-it').analyze();
        expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
          [],
        );
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe('the trace page', () => {
  it('draws the waterfall of the trace named by ?id= (the web client links there)', async () => {
    const traceId = 'a'.repeat(31) + 'b';
    await fetch(`${server.base}/todos`, { headers: { traceparent: `00-${traceId}-${'c'.repeat(16)}-01` } });
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${server.base}/learn/traces/?id=${traceId}`);
    await tab.locator('trace-view .waterfall details[data-span="GET /todos"]').waitFor({ timeout: 15_000 });
    expect(await tab.locator('trace-view .waterfall').textContent()).toContain('authenticate');
    await context.close();
  });
});
