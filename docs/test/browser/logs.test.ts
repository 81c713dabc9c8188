/**
 * Log lines where the learner looks, in a real browser against a real `npm start` (the embedded
 * default, so the recent-logs store alone): a request's trace shows its log line under the SERVER
 * span, opened on its fields; the log search finds the line, and its trace link opens the waterfall
 * on the span that wrote it. Screenshots in test-results/ (logs-*.png).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';
import { launchBrowser } from './browser.ts';
import { shellOf } from './exercise-steps.ts';

const run = promisify(execFile);

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ LAB_MODE: '1' }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('log lines beside the spans', () => {
  it('from a span to its log line, and from a log line back to its trace', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(`${server.base}/learn/picture/logs/`);
    // The exercise's own shell values: the lab account's token and a traceparent.
    const shell = await shellOf(tab.locator('lab-exercise[data-exercise="span-log-trace"]'));
    const traceId = shell.TRACEPARENT.split('-')[1] ?? '';
    await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      `${shell.API}/todos?title=never-in-a-log`,
      '-H',
      `Authorization: Bearer ${shell.TOKEN}`,
      '-H',
      `traceparent: ${shell.TRACEPARENT}`,
    ]);

    // The span: its row says it has a log line; opened, the line; the line opened, its fields.
    await tab.goto(`${server.base}/learn/traces/?id=${traceId}`);
    const server_ = tab.locator('trace-view .waterfall details[data-span="GET /todos"]');
    await server_.waitFor({ timeout: 15_000 });
    await expect.poll(() => server_.locator(':scope > summary .marks').textContent()).toContain('1 log line');
    await server_.locator(':scope > summary').click();
    const line = server_.locator('.log-lines details.log-line').first();
    await expect.poll(() => line.locator('summary .message').textContent()).toBe('request');
    await line.locator('summary').click();
    const fields = await line.locator('table').textContent();
    expect(fields).toContain('requestId');
    expect(fields).toContain('/todos');
    await line.scrollIntoViewIfNeeded();
    await tab.screenshot({ path: 'test-results/logs-span-to-line.png', fullPage: false });

    // The log search (the same lab account): the line, and its trace link to the span that wrote it.
    await tab.goto(`${server.base}/learn/explore/?route=/todos`);
    const found = tab.locator('log-search .log-results details.log-line').first();
    await found.waitFor({ timeout: 15_000 });
    expect(await tab.locator('log-search .summary').textContent()).toContain('of your lab account');
    // The admin token's field shows only once "with the admin token" is chosen.
    expect(await tab.locator('log-search .admin-token').isVisible()).toBe(false);
    await found.locator('summary').click();
    await found.scrollIntoViewIfNeeded();
    await tab.screenshot({ path: 'test-results/logs-search.png', fullPage: false });
    await found.getByRole('link').click();
    await tab.waitForURL(/\/learn\/traces\/\?id=/);
    expect(tab.url()).toContain(`id=${traceId}`);
    const linked = tab.locator('trace-view .waterfall details.linked');
    await linked.waitFor({ timeout: 15_000 });
    expect(await linked.getAttribute('data-span')).toBe('GET /todos');
    expect(await linked.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await tab.screenshot({ path: 'test-results/logs-line-to-trace.png', fullPage: false });
    await context.close();
  });
});
