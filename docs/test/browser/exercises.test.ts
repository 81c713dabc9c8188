/**
 * Every exercise, in a real browser against a real `npm start` (the embedded default): Check fails
 * before the exercise is done, then the test runs the page's own commands with bash, as a learner
 * pastes them (with the API, TOKEN and TRACEPARENT the page gave), and Check passes. The two that
 * need Neo4j are done too, and must say that the graph is disabled here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadmeWalkthrough } from '../../../api/test/helpers/readme-walkthrough.ts';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';
import { launchBrowser } from './browser.ts';
import { check, type Shell, shellOf } from './exercise-steps.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'docs-test-admin-token-0123';

interface Case {
  id: string;
  page: string;
  /** The answer a learner types, worked out from their trace or the API's log. */
  answer?: (shell: Shell) => Promise<string>;
  /** Needs Neo4j: on the embedded default, Check must say why it cannot pass. */
  needsGraph?: boolean;
}

let server: StartedServer;
let browser: Browser;

const traceIdOf = (shell: Shell) => shell.TRACEPARENT.split('-')[1] ?? '';

async function spansOf(shell: Shell): Promise<{ name: string; kind: string; durationMs: number; spanId: string }[]> {
  const { spans } = await (await fetch(`${server.base}/debug/traces/${traceIdOf(shell)}`)).json();
  const flat = (nodes: { children: unknown[] }[]): never[] =>
    nodes.flatMap((n) => [n, ...flat(n.children as { children: unknown[] }[])]) as never[];
  return flat(spans);
}

const cases: Case[] = [
  { id: 'continue-trace', page: '/learn/steps/click-and-fetch/' },
  { id: 'body-limit', page: '/learn/steps/request-id/' },
  { id: 'bad-token', page: '/learn/steps/authenticate/' },
  { id: 'make-422', page: '/learn/steps/validate-request/' },
  { id: 'make-429', page: '/learn/steps/rate-limit/' },
  { id: 'cache-hit', page: '/learn/steps/cache-lookup/' },
  { id: 'make-409', page: '/learn/steps/duplicate-check/' },
  { id: 'delete-event', page: '/learn/steps/outbox-write/' },
  { id: 'open-breaker', page: '/learn/steps/graph-write/', needsGraph: true },
  {
    id: 'slowest-span',
    page: '/learn/steps/response/',
    answer: async (shell) => {
      const inner = (await spansOf(shell)).filter((s) => s.kind !== 'SERVER');
      return inner.sort((a, b) => b.durationMs - a.durationMs)[0]?.name ?? '';
    },
  },
  { id: 'worker-applies', page: '/learn/steps/worker/', needsGraph: true },
  { id: 'make-415', page: '/learn/picture/error-model/' },
  { id: 'exemplar', page: '/learn/picture/metrics/' },
  {
    id: 'span-log-trace',
    page: '/learn/picture/logs/',
    // What the learner reads under the SERVER span in the waterfall: its log line's requestId.
    answer: async (shell) => {
      const response = await fetch(`${server.base}/debug/logs?traceId=${traceIdOf(shell)}`, {
        headers: { Authorization: `Bearer ${shell.TOKEN}` },
      });
      const { items } = (await response.json()) as { items: { fields: { requestId?: string } }[] };
      return items.find((line) => line.fields.requestId)?.fields.requestId ?? '';
    },
  },
];

beforeAll(async () => {
  [server, browser] = await Promise.all([
    // Each case is a fresh lab account: more sign-ups a minute than a learner makes.
    startServer({ LAB_MODE: '1', ADMIN_TOKEN, AUTH_RATE_LIMIT: '500' }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('every exercise checks itself', () => {
  for (const c of cases) {
    it(`${c.id} (${c.page}) fails before it is done and ${c.needsGraph ? 'names what it needs' : 'passes'} after`, async () => {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${server.base}${c.page}`);
      const exercise = tab.locator(`lab-exercise[data-exercise="${c.id}"]`);
      const shell = await shellOf(exercise);
      expect(shell.API).toBe(server.base);

      const before = await check(exercise);
      expect(before.verdict, before.text).toBe('fail');
      expect(before.text).toContain('No request with trace id');

      const command = await exercise.locator('[data-code]').first().getAttribute('data-code');
      expect(command).toBeTruthy();
      await run('bash', ['-c', (command ?? '').replaceAll('\u007f', '\n')], {
        env: { ...process.env, ...shell, ADMIN_TOKEN },
        timeout: 30_000,
      });
      if (c.answer) await exercise.locator('input.answer').fill(await c.answer(shell));

      const after = await check(exercise);
      if (c.needsGraph) {
        expect(after.verdict).toBe('fail');
        expect(after.text).toContain('graph is disabled');
      } else {
        expect(after.verdict, after.text).toBe('pass');
        expect(await exercise.getAttribute('data-passed')).toBe('true');
        // Progress survives a reload, in this browser only.
        await tab.reload();
        await expect.poll(() => exercise.getAttribute('data-passed')).toBe('true');
      }
      await context.close();
    });
  }
});

describe('an exercise is not passed by doing something else', () => {
  // A plain read with the exercise's traceparent: the trace exists, but it is not what was asked.
  for (const c of cases.filter((x) =>
    ['body-limit', 'make-409', 'make-429', 'cache-hit', 'delete-event', 'make-415'].includes(x.id),
  )) {
    it(`${c.id}: one GET /todos with the traceparent fails`, async () => {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${server.base}${c.page}`);
      const exercise = tab.locator(`lab-exercise[data-exercise="${c.id}"]`);
      const shell = await shellOf(exercise);
      await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        `${shell.API}/todos`,
        '-H',
        `Authorization: Bearer ${shell.TOKEN}`,
        '-H',
        `traceparent: ${shell.TRACEPARENT}`,
      ]);
      const after = await check(exercise);
      expect(after.verdict, after.text).toBe('fail');
      expect(after.text).not.toContain('No request with trace id');
      await context.close();
    });
  }
});

describe("the curl walk-through, after the walkthrough's exercises", () => {
  // The front door's commands still work on a lab a learner has used: todo 1 is the lab account's
  // by now, so the block reads its own todo's id from Location.
  it('gives every status its comments promise', async () => {
    const { promised, received } = await runReadmeWalkthrough(server.base);
    expect(received).toEqual(promised);
  });
});
