/**
 * The whole walkthrough in order, as one learner (one browser, one lab account) walks it against a
 * real `npm start` (the embedded default): every Run it pressed, the concepts page's self-check
 * answered, every exercise done with the page's own commands and Checked. No waiting is added:
 * where the create rate limit is met (page 5 meets it on purpose, the next pages create too), the
 * page's own countdown says when to go on, and the test follows it. Nothing may jam: an exercise
 * passes, or (the two that need Neo4j) says that the graph is disabled. The walk's time is printed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';
import { launchBrowser } from './browser.ts';
import { check, type Shell, shellOf } from './exercise-steps.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'docs-walk-admin-token-0123';
const SHOTS = 'test-results/walk';

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ LAB_MODE: '1', ADMIN_TOKEN }), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  // A server that stops mid-walk is a finding of its own: say why.
  void server.exited.then(({ code, signal }) => {
    if (!stopping)
      console.error(`npm start exited (${code ?? signal}) during the walk:\n${server.output().slice(-4000)}`);
  });
});

let stopping = false;
afterAll(async () => {
  stopping = true;
  await browser?.close();
  await server?.stop();
});

interface Page_ {
  path: string;
  runIt?: boolean;
  exercise?: string;
  needsGraph?: boolean;
  answer?: (shell: Shell) => Promise<string>;
}

const traceIdOf = (shell: Shell) => shell.TRACEPARENT.split('-')[1] ?? '';

interface FlatSpan {
  name: string;
  kind: string;
  durationMs: number;
  spanId: string;
  startTime: number;
  children: FlatSpan[];
}

/** The learner's reading of their trace: the newest SERVER span's subtree (the attempt they just made). */
async function newestAttempt(shell: Shell): Promise<FlatSpan[]> {
  const response = await fetch(`${server.base}/debug/traces/${traceIdOf(shell)}`, {
    headers: { Authorization: `Bearer ${shell.TOKEN}` },
  });
  const { spans } = (await response.json()) as {
    spans: FlatSpan[];
  };
  const flat = (nodes: FlatSpan[]): FlatSpan[] => nodes.flatMap((n) => [n, ...flat(n.children)]);
  const root = flat(spans)
    .filter((s) => s.kind === 'SERVER')
    .sort((a, b) => a.startTime - b.startTime)
    .at(-1);
  return root ? flat([root]) : [];
}

const walk: Page_[] = [
  { path: '/learn/' },
  { path: '/learn/concepts/', runIt: true },
  { path: '/learn/steps/click-and-fetch/', runIt: true, exercise: 'continue-trace' },
  { path: '/learn/steps/request-id/', runIt: true, exercise: 'body-limit' },
  { path: '/learn/steps/authenticate/', runIt: true, exercise: 'bad-token' },
  { path: '/learn/steps/validate-request/', runIt: true, exercise: 'make-422' },
  { path: '/learn/steps/rate-limit/', runIt: true, exercise: 'make-429' },
  { path: '/learn/steps/cache-lookup/', runIt: true, exercise: 'cache-hit' },
  { path: '/learn/steps/duplicate-check/', runIt: true, exercise: 'make-409' },
  { path: '/learn/steps/outbox-write/', runIt: true, exercise: 'delete-event' },
  { path: '/learn/steps/graph-write/', runIt: true, exercise: 'open-breaker', needsGraph: true },
  {
    path: '/learn/steps/response/',
    runIt: true,
    exercise: 'slowest-span',
    answer: async (shell) => {
      const [root, ...inner] = await newestAttempt(shell);
      expect(root?.kind).toBe('SERVER');
      return inner.filter((s) => s.kind !== 'SERVER').sort((a, b) => b.durationMs - a.durationMs)[0]?.name ?? '';
    },
  },
  { path: '/learn/steps/worker/', runIt: true, exercise: 'worker-applies', needsGraph: true },
  { path: '/learn/picture/diagram/' },
  { path: '/learn/picture/dual-write/' },
  { path: '/learn/picture/error-model/', exercise: 'make-415' },
  { path: '/learn/picture/failure-modes/' },
  { path: '/learn/picture/metrics/', exercise: 'exemplar' },
  {
    path: '/learn/picture/logs/',
    exercise: 'span-log-trace',
    answer: async (shell) => {
      // The page's terminal route: the log search by trace id, as its second command prints it. The
      // API writes its log records a moment after the answer: a learner runs it again if it is empty.
      const find = async () => {
        const response = await fetch(`${server.base}/debug/logs?traceId=${traceIdOf(shell)}`, {
          headers: { Authorization: `Bearer ${shell.TOKEN}` },
        });
        const { items } = (await response.json()) as { items: { fields: { requestId?: string } }[] };
        return items.find((item) => typeof item.fields.requestId === 'string')?.fields.requestId;
      };
      await expect.poll(find, { timeout: 5_000, interval: 200 }).toBeTruthy();
      return (await find()) ?? '';
    },
  },
  { path: '/learn/recent/' },
];

/** Chromium says "Failed to load resource" for every 4xx fetch: the 429s the countdown handles are expected. */
function unexpected(text: string, url: string): boolean {
  if (/status of 429/.test(text)) return false;
  // A trace read a moment before its SERVER span ended: the page asks again.
  if (/status of 404/.test(text) && url.includes('/debug/traces/')) return false;
  return true;
}

/** Run it: press the button; when the answer is a 429, the button counts down, and the learner presses it again. */
async function runIt(tab: Page, path: string): Promise<number> {
  const panel = tab.locator('run-it');
  const button = panel.locator('button.run');
  let waited = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    await button.click();
    await expect
      .poll(
        async () =>
          (await panel.locator('.trace .waterfall').count()) > 0 ||
          (await panel.getAttribute('data-wait-seconds')) !== null,
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    const wait = await panel.getAttribute('data-wait-seconds');
    if (wait === null) return waited;
    // The page's own countdown leads: the button comes back when the rate limit lets a create through.
    const started = Date.now();
    await expect.poll(() => button.isEnabled(), { timeout: Number(wait) * 1000 + 5_000, interval: 250 }).toBe(true);
    waited += Date.now() - started;
  }
  throw new Error(`${path}: Run it still met the rate limit after six countdowns`);
}

/** An exercise: paste the shell lines and the commands, Check; on a countdown, wait it out and go again. */
async function doExercise(
  tab: Page,
  step: Page_,
): Promise<{ verdict: string; text: string; attempts: number; waited: number }> {
  const exercise = tab.locator(`lab-exercise[data-exercise="${step.exercise}"]`);
  const command = ((await exercise.locator('[data-code]').first().getAttribute('data-code')) ?? '').replaceAll(
    '\u007f',
    '\n',
  );
  let waited = 0;
  for (let attempt = 1; attempt <= 6; attempt++) {
    const shell = await shellOf(exercise);
    expect(shell.API).toBe(server.base);
    // What a learner pastes: the shell lines, their admin token where the page asks for it, the commands.
    await run('bash', ['-c', command.replace('export ADMIN_TOKEN=...', `export ADMIN_TOKEN=${ADMIN_TOKEN}`)], {
      env: { ...process.env, ...shell },
      timeout: 30_000,
    });
    if (step.answer) await exercise.locator('input.answer').fill(await step.answer(shell));
    const result = await check(exercise);
    if (result.verdict !== 'wait') return { ...result, attempts: attempt, waited };
    // Every message names something on the page: here, the countdown in the verdict itself.
    expect(result.text).toMatch(/lets you create again in \d+ s/);
    const started = Date.now();
    await expect.poll(() => exercise.getAttribute('data-verdict'), { timeout: 70_000, interval: 500 }).toBe('ready');
    waited += Date.now() - started;
    // The attempt that met the limit is over: the shell lines carry a new traceparent for the next.
    expect((await shellOf(exercise)).TRACEPARENT).not.toBe(shell.TRACEPARENT);
  }
  throw new Error(`${step.exercise}: still waiting on the rate limit after six countdowns`);
}

describe('the whole walkthrough, in order, as one learner', () => {
  it('runs every panel and exercise without a jam or a console error', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error' && unexpected(m.text(), m.location().url))
        errors.push(`${m.text()} (${m.location().url})`);
    });
    tab.on('pageerror', (e) => errors.push(e.message));
    const timings: string[] = [];
    const walkStarted = Date.now();

    for (const step of walk) {
      const pageStarted = Date.now();
      await tab.goto(`${server.base}${step.path}`);
      let waited = 0;
      if (step.runIt) waited += await runIt(tab, step.path);

      if (step.path === '/learn/concepts/') {
        // Each idea is shown on the learner's own trace.
        for (const fact of ['trace', 'kinds', 'attributes', 'events', 'links', 'propagation', 'metrics', 'logs'])
          await tab.locator(`.fact[data-fact="${fact}"][data-filled]`).waitFor({ timeout: 15_000 });
        expect(await tab.locator('.fact[data-fact="kinds"]').innerText()).toMatch(/SERVER.*|CLIENT/);
        expect(await tab.locator('.fact[data-fact="metrics"]').innerText()).toContain('le="+Inf"');
        // The self-check: answered on the page, kept in this browser.
        for (const question of await tab.locator('lab-quiz fieldset').all()) {
          const answer = await question.getAttribute('data-answer');
          await question.locator(`input[value="${answer}"]`).check();
          await expect.poll(() => question.locator('.feedback').getAttribute('data-correct')).toBe('true');
        }
        await expect.poll(() => tab.locator('lab-quiz').getAttribute('data-complete')).toBe('true');
        await tab.screenshot({ path: `${SHOTS}/concepts-1280.png`, fullPage: true });
        // The same page in readable pieces: the first ideas on the learner's trace, the metrics, the self-check.
        for (const [name, from, to] of [
          ['concepts-trace-1280', 'trace', 'attributes'],
          ['concepts-metrics-1280', 'metrics', 'logs'],
        ] as const) {
          const top = await tab
            .locator(`.fact[data-fact="${from}"]`)
            .evaluate((e) => e.getBoundingClientRect().top + scrollY);
          const bottom = await tab
            .locator(`.fact[data-fact="${to}"]`)
            .evaluate((e) => e.getBoundingClientRect().bottom + scrollY);
          await tab.screenshot({
            path: `${SHOTS}/${name}.png`,
            fullPage: true,
            clip: { x: 0, y: top - 120, width: 1280, height: bottom - top + 140 },
          });
        }
        await tab.locator('lab-quiz').screenshot({ path: `${SHOTS}/concepts-quiz-1280.png` });
        await tab.reload();
        await expect.poll(() => tab.locator('lab-quiz').getAttribute('data-complete')).toBe('true');
      }
      if (step.path === '/learn/steps/click-and-fetch/') {
        // The browser's span is above the SERVER span: the click, its fetch, then the API.
        const rows = await tab
          .locator('run-it .waterfall details')
          .evaluateAll((all) => all.map((d) => (d as HTMLElement).dataset.span));
        expect(rows.slice(0, 3)).toEqual(['click Send the request', 'POST', 'POST /todos']);
        await readableAt(tab, 'step1');
      }
      if (step.path === '/learn/steps/cache-lookup/') {
        const compared = tab.locator('run-it .trace-compare .compared');
        expect(await compared.count()).toBe(2);
        // The miss loaded the page from the database; the hit did not.
        expect(await compared.nth(0).locator('details[data-span^="SELECT"]').count()).toBeGreaterThan(0);
        expect(await compared.nth(1).locator('details[data-span^="SELECT"]').count()).toBe(0);
        await readableAt(tab, 'cache-compare');
      }

      let verdict = '';
      if (step.exercise) {
        const result = await doExercise(tab, step);
        waited += result.waited;
        verdict = `${result.verdict} after ${result.attempts} attempt(s)`;
        if (step.needsGraph) {
          expect(result.verdict).toBe('fail');
          expect(result.text).toContain('graph is disabled');
        } else expect(result.verdict, `${step.exercise}: ${result.text}`).toBe('pass');
      }
      if (step.path === '/learn/recent/') {
        const list = tab.locator('recent-requests .recent-list');
        await expect.poll(() => list.locator('li').count(), { timeout: 15_000 }).toBeGreaterThan(10);
        const lines = (await list.innerText()).split('\n');
        // The error model's words: a 4xx is answered, not an error.
        const refused = lines.filter((l) => /→ 4\d\d/.test(l));
        expect(refused.length).toBeGreaterThan(0);
        for (const line of refused) expect(line).toMatch(/→ 4\d\d, answered/);
        expect(lines.join('\n')).not.toContain('[error]');
        await tab.locator('recent-requests select[name="route"]').selectOption('/todos/:id');
        await expect
          .poll(async () => (await list.innerText()).split('\n').every((l) => l.includes('/todos/:id')))
          .toBe(true);
        await list.locator('button').first().click();
        await tab.locator('recent-requests .trace .waterfall').waitFor();
        expect(await tab.locator('recent-requests .trace .waterfall').innerText()).not.toContain('[this step]');
      }
      timings.push(
        `${step.path.padEnd(34)} ${((Date.now() - pageStarted) / 1000).toFixed(1).padStart(6)} s  (of which countdown ${(waited / 1000).toFixed(1)} s)  ${verdict}`,
      );
    }
    const total = (Date.now() - walkStarted) / 1000;
    const report = [...timings, `the whole walk: ${total.toFixed(1)} s`].join('\n');
    console.log(report);
    writeFileSync(`${SHOTS}/timing.txt`, `${report}\n`);
    expect(errors).toEqual([]);
    await context.close();
    // A learner's pace, with up to two minutes of rate-limit countdowns on a loaded machine.
  }, 900_000);
});

/** Screenshots at 1280 and 800 px, and what makes the waterfall readable at both: names whole, a track worth reading. */
async function readableAt(tab: Page, name: string) {
  for (const width of [1280, 800]) {
    await tab.setViewportSize({ width, height: 900 });
    const cut = await tab
      .locator('run-it .waterfall summary .name')
      .evaluateAll((names) => names.filter((n) => n.scrollWidth > n.clientWidth + 1).map((n) => n.textContent));
    expect(cut, `names cut at ${width} px`).toEqual([]);
    const track = await tab.locator('run-it .waterfall .track').first().boundingBox();
    expect(track?.width ?? 0, `time track at ${width} px`).toBeGreaterThan(200);
    await tab.locator('run-it').screenshot({ path: `${SHOTS}/${name}-${width}.png` });
  }
  await tab.setViewportSize({ width: 1280, height: 900 });
}
