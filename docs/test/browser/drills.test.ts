/**
 * The incident drills in a real browser, as a learner does them: the admin token pasted from the
 * banner, a drill started from the page, a wrong answer refused with a hint, the requests since
 * the start opened one by one until a waterfall shows the cause (read as a learner reads it:
 * api/test/helpers/drill-solver.ts), that trace given as evidence from the page's own "Use this
 * trace" button, and the debrief read. Every drill the embedded default can run; afterwards no
 * fault and no load is left. Screenshots of the symptom, a hint and a debrief are kept.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drills } from '../../../api/src/lab/drills/catalogue.ts';
import { findEvidence } from '../../../api/test/helpers/drill-solver.ts';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';
import { launchBrowser } from './browser.ts';

const ADMIN_TOKEN = 'drill-admin-token-for-the-page-0123';
const shots = 'test-results/';

let server: StartedServer;
let browser: Browser;
let tab: Page;
const errors: string[] = [];
const took: Record<string, number> = {};

async function get(path: string): Promise<any> {
  const response = await fetch(`${server.base}${path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  return response.json();
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ ADMIN_TOKEN }), launchBrowser()]);
  tab = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  tab.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(`${server.base}/learn/drills/`, { waitUntil: 'networkidle' });
  await tab.fill('incident-drills input[name="adminToken"]', ADMIN_TOKEN);
  await tab.click('incident-drills form.admin button');
  await tab.locator('incident-drills .drill-list').waitFor();
});

afterAll(async () => {
  console.log(`drills solved in the browser (seconds): ${JSON.stringify(took)}`);
  await browser?.close();
  await server?.stop();
});

describe('incident drills, in the browser', () => {
  // A drill that failed its test must not hold the next one: give it up, and show the list again.
  afterEach(async () => {
    const current = await get('/lab/drills/current');
    if (current.state === 'running') {
      await fetch(`${server.base}/lab/drill-runs/${current.runId}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    }
    if (!(await tab.locator('incident-drills .drill-list').isVisible())) {
      await tab.reload({ waitUntil: 'networkidle' });
      await tab.locator('incident-drills .drill-list').waitFor();
    }
  });

  it('lists the drills; the one that needs Neo4j cannot start here and says so', async () => {
    expect(await tab.locator('incident-drills .drill-list > li').count()).toBeGreaterThanOrEqual(8);
    const pending = tab.locator('incident-drills button.start[data-drill="graph-pending"]');
    expect(await pending.isDisabled()).toBe(true);
    const item = tab.locator('incident-drills .drill-list > li', {
      has: tab.locator('button.start[data-drill="graph-pending"]'),
    });
    expect(await item.innerText()).toContain('needs neo4j');
  });

  const runnable = drills.filter((d) => d.id !== 'graph-pending');
  for (const [index, drill] of runnable.entries()) {
    it(`"${drill.title}": symptom, a wrong answer and its hint, the evidence, the debrief`, async () => {
      const since = Date.now();
      await tab.click(`incident-drills button.start[data-drill="${drill.id}"]`);
      await tab.locator('incident-drills blockquote.symptom').waitFor();
      expect(await tab.locator('incident-drills blockquote.symptom').innerText()).toBe(drill.symptom);
      if (index === 0) await tab.screenshot({ path: `${shots}drill-symptom.png`, fullPage: true });

      // A wrong answer first: a cause, and a trace from the page's own list.
      await tab.click('incident-drills button.refresh');
      const first = tab.locator('incident-drills .drill-traces button.trace-link').first();
      for (let i = 0; i < 30 && !(await first.isVisible()); i++) {
        await tab.waitForTimeout(1_000);
        await tab.click('incident-drills button.refresh');
      }
      await first.click();
      await tab.click('incident-drills button.use-evidence');
      await tab.selectOption('incident-drills select[name="cause"]', 'neo4j-slow');
      await tab.click('incident-drills button.check');
      await tab.locator('incident-drills .verdict', { hasText: 'Not yet' }).waitFor();
      expect(await tab.locator('incident-drills .drill-hints li').count()).toBe(1);
      if (index === 0) await tab.screenshot({ path: `${shots}drill-hint.png`, fullPage: true });

      // The learner's reading of the traces; the page's filter shows that trace, whose button
      // fills in the evidence.
      const excluded: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const evidence = await findEvidence(get, since, drill.causes, { excluded });
        await tab.click('incident-drills button.refresh');
        const row = tab.locator(`incident-drills .drill-traces button[data-trace-id="${evidence.traceId}"]`);
        await row.waitFor({ timeout: 5_000 }).catch(() => undefined);
        if (await row.isVisible()) {
          await row.click();
          await tab.click('incident-drills button.use-evidence');
        } else {
          // Scrolled out of the page's 40 newest: typed, as a learner copies an id from the waterfall.
          await tab.fill('incident-drills input[name="traceId"]', evidence.traceId);
        }
        expect(await tab.inputValue('incident-drills input[name="traceId"]')).toBe(evidence.traceId);
        await tab.selectOption('incident-drills select[name="cause"]', evidence.cause);
        // The earlier "Not yet" is cleared first, so the outcome waited for is this answer's.
        await tab.locator('incident-drills .verdict').evaluate((node) => {
          node.textContent = '';
        });
        await tab.click('incident-drills button.check');
        const outcome = tab.locator('incident-drills .debrief-cause, incident-drills .verdict:has-text("Not yet")');
        await outcome.first().waitFor();
        if (await tab.locator('incident-drills .debrief-cause').isVisible()) break;
        excluded.push(evidence.cause);
      }
      const debrief = tab.locator('incident-drills');
      await debrief.locator('.debrief-cause').waitFor();
      expect(await debrief.locator('.debrief-evidence').innerText()).toContain('Your evidence: trace');
      expect(await debrief.locator('.debrief-path li').count()).toBeGreaterThanOrEqual(3);
      took[drill.id] = Math.round((Date.now() - since) / 1000);
      if (index === 0) await tab.screenshot({ path: `${shots}drill-debrief.png`, fullPage: true });

      // Nothing left running.
      expect(await get('/lab/faults')).toEqual({ faults: {} });
      expect((await get('/lab/drills/current')).state).toBe('solved');
      await tab.click('incident-drills button.back');
      await tab.locator('incident-drills .drill-list').waitFor();
    }, 240_000);
  }

  it('logged no console error on the way', () => {
    // Chromium logs every 4xx fetch as an error line: the 409s the page expects are not errors.
    expect(errors.filter((e) => !/Failed to load resource.*40[49]/.test(e))).toEqual([]);
  });
});
