/**
 * The web client in a real browser (Debian's chromium through playwright-core) against a real
 * `npm start` on a fresh PGlite: the lifecycle a person goes through, each error as they should
 * see it, one trace from the click to the step spans, axe, and no console errors.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { components } from '@flowlab/api/api-types';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../../../api/test/helpers/start-server.ts';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = new URL('../../test-results/', import.meta.url).pathname;

const ADMIN_TOKEN = 'web-test-admin-token-0123456789';

type Problem = components['schemas']['Problem'];
/** An answer the test makes up, with a problem as the API writes one (every member its schema requires). */
const problemAnswer = (
  problem: Pick<Problem, 'type' | 'title' | 'status'> & Partial<Problem>,
  headers?: Record<string, string>,
) => ({
  status: problem.status,
  headers,
  contentType: 'application/problem+json',
  body: JSON.stringify({
    detail: problem.title,
    instance: '/todos',
    requestId: `req-${problem.status}`,
    ...problem,
  } satisfies Problem),
});
let server: StartedServer;
let browser: Browser;
let userNumber = 0;

beforeAll(async () => {
  // Many registrations from one address in a few seconds: the auth limit is the only one raised.
  server = await startServer({ AUTH_RATE_LIMIT: '1000', ADMIN_TOKEN });
  browser = await chromium.launch({
    executablePath: execSync('command -v chromium', { encoding: 'utf8' }).trim(),
    // Root in CI: chromium's sandbox needs a user namespace it may not have.
    args: ['--no-sandbox'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface OpenPage {
  page: Page;
  /** Console errors and uncaught exceptions, except the network lines for `expectedStatuses`. */
  consoleErrors(expectedStatuses?: number[]): string[];
}

async function openApp(): Promise<OpenPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(`${server.base}/app/`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  return {
    page,
    // Chromium itself logs "Failed to load resource ... status of 409" for a refused fetch; a test
    // that provokes that status on purpose expects its line, and nothing else.
    consoleErrors: (expectedStatuses = []) =>
      errors.filter(
        (text) =>
          !expectedStatuses.some((status) =>
            text.startsWith(`Failed to load resource: the server responded with a status of ${status}`),
          ),
      ),
  };
}

async function register(page: Page): Promise<string> {
  userNumber += 1;
  const email = `web-${Date.now()}-${userNumber}@example.com`;
  await page.getByRole('button', { name: 'No account yet? Register' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('heading', { name: 'Add a todo' }).waitFor();
  return email;
}

async function addTodo(page: Page, title: string): Promise<void> {
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

const todoRows = (page: Page) => page.locator('[data-testid="todos"] > li');
const row = (page: Page, title: string) => todoRows(page).filter({ hasText: title });

async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not as an inline <script>: the page's Content-Security-Policy
  // (no inline scripts) stays on for the whole test, and would refuse a script tag.
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() => (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as {
    violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the web client at /app/', () => {
  it('register, add, duplicate, complete, filter, delete, reload, log out and in', async () => {
    const { page, consoleErrors } = await openApp();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const email = await register(page);

    await page.getByLabel('New category').fill('work');
    await page.getByRole('button', { name: 'Add category' }).click();
    await page.getByRole('checkbox', { name: 'work' }).check();
    await addTodo(page, 'Trace a request');
    await expect.poll(() => row(page, 'Trace a request').getAttribute('data-todo-id')).toMatch(/^\d+$/);
    expect(await row(page, 'Trace a request').locator('.tag').allTextContents()).toEqual(['work']);
    await addTodo(page, 'Read the span tree');
    await expect.poll(() => row(page, 'Read the span tree').getAttribute('data-todo-id')).toMatch(/^\d+$/);

    // The same title in other letters: the API's 409, said under the title, and the row rolled back.
    await addTodo(page, 'TRACE A REQUEST');
    await expect
      .poll(() => page.locator('#todo-title-error').textContent())
      .toBe('You already have a todo with this title.');
    expect(await todoRows(page).count()).toBe(2);
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('TRACE A REQUEST');
    // The 409's banner is there; an empty title, refused on the page, replaces it: the banner went stale.
    await expect.poll(() => page.getByTestId('notice').count()).toBe(1);
    await addTodo(page, '   ');
    await expect.poll(() => page.locator('#todo-title-error').textContent()).toBe('must not be empty');
    expect(await page.getByTestId('notice').count()).toBe(0);

    await row(page, 'Trace a request').getByRole('checkbox').check();
    await expect.poll(() => row(page, 'Trace a request').getAttribute('class')).toContain('done');

    await page.getByLabel('Show').selectOption('done');
    await expect.poll(() => todoRows(page).allTextContents()).toEqual([expect.stringContaining('Trace a request')]);
    await page.getByLabel('Show').selectOption('open');
    await expect.poll(() => todoRows(page).allTextContents()).toEqual([expect.stringContaining('Read the span tree')]);
    await page.getByLabel('Show').selectOption('all');
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'work' });
    await expect.poll(() => todoRows(page).allTextContents()).toEqual([expect.stringContaining('Trace a request')]);
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'any' });
    await page.getByLabel('Search').fill('span');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => todoRows(page).count()).toBe(1);
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => todoRows(page).count()).toBe(2);

    await row(page, 'Read the span tree')
      .getByRole('button', { name: /^Delete/ })
      .click();
    await expect.poll(() => todoRows(page).count()).toBe(1);

    expect(await seriousAxeViolations(page)).toEqual([]);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}app.png`, fullPage: true });

    // A reload keeps the session and shows what the API holds (the delete stuck).
    await page.reload();
    await page.getByRole('heading', { name: 'Add a todo' }).waitFor();
    await expect.poll(() => todoRows(page).allTextContents()).toEqual([expect.stringContaining('Trace a request')]);
    expect(await page.getByText(email).count()).toBe(1);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => todoRows(page).count()).toBe(1);

    expect(consoleErrors([409])).toEqual([]);
  });

  it('the 11th add in a minute shows the Retry-After countdown with the button off; load more', async () => {
    const { page, consoleErrors } = await openApp();
    await register(page);
    for (let i = 1; i <= 10; i++) {
      await addTodo(page, `todo ${i}`);
      await expect.poll(() => row(page, `todo ${i}`).getAttribute('data-todo-id')).toMatch(/^\d+$/);
    }
    await addTodo(page, 'one too many');
    const countdown = page.getByTestId('countdown');
    await countdown.waitFor();
    const seconds = Number((await countdown.textContent())?.match(/in (\d+) s/)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(await page.getByRole('button', { name: 'Add', exact: true }).isDisabled()).toBe(true);
    // The countdown says the time, alone: no banner beside it with a fixed number of seconds.
    expect(await page.getByTestId('notice').count()).toBe(0);
    // It counts down.
    await expect
      .poll(async () => Number((await countdown.textContent())?.match(/in (\d+) s/)?.[1]), { timeout: 5000 })
      .toBeLessThan(seconds);
    expect(await row(page, 'one too many').count()).toBe(0);

    // Ten todos are more than a page: "Load more" follows the cursor to the rest, then goes.
    await page.reload();
    await expect.poll(() => todoRows(page).count()).toBe(8);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => todoRows(page).count()).toBe(10);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await todoRows(page).last().textContent()).toContain('todo 1');
    expect(consoleErrors([429])).toEqual([]);
  });

  it('a body the guard refuses is an error on the page, and the page keeps working', async () => {
    const { page, consoleErrors } = await openApp();
    await register(page);
    await addTodo(page, 'Survives a bad answer');
    await expect.poll(() => row(page, 'Survives a bad answer').getAttribute('data-todo-id')).toMatch(/^\d+$/);

    // A list whose todo has a string id: the seed's isValidTodo refuses it.
    await page.route(/\/todos\?/, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ items: [{ id: 'one', title: 'x', completed: 'no' }], nextCursor: null }),
      }),
    );
    await page.getByLabel('Show').selectOption('open');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('does not understand');
    expect(await row(page, 'Survives a bad answer').count()).toBe(1);

    await page.unroute(/\/todos\?/);
    await page.getByLabel('Show').selectOption('all');
    await expect.poll(() => page.getByTestId('notice').count()).toBe(0);
    await addTodo(page, 'Still works');
    await expect.poll(() => row(page, 'Still works').getAttribute('data-todo-id')).toMatch(/^\d+$/);
    expect(consoleErrors()).toEqual([]);
  });

  it('422 under its field, a 429 countdown that ends, a 5xx request id, no network, and a 401 back to login with the typing kept', async () => {
    const { page, consoleErrors } = await openApp();
    const email = await register(page);

    // A 422 the API found (not the page): the message goes under its field.
    await page.route('**/todos', (route) =>
      route.fulfill(
        problemAnswer({
          type: '/problems/validation-failed',
          title: 'Request validation failed',
          status: 422,
          errors: [{ path: 'dueAt', message: 'must be an ISO 8601 date-time' }],
        }),
      ),
    );
    await addTodo(page, 'Meets a 422');
    await expect.poll(() => page.locator('#todo-due-error').textContent()).toBe('must be an ISO 8601 date-time');
    await page.unroute('**/todos');

    // A short Retry-After: the countdown ends and Add is on again.
    await page.route('**/todos', (route) =>
      route.fulfill(
        problemAnswer(
          { type: '/problems/rate-limited', title: 'Too many requests', status: 429 },
          { 'Retry-After': '2' },
        ),
      ),
    );
    await addTodo(page, 'Meets a 429');
    await page.getByTestId('countdown').waitFor();
    expect(await page.getByRole('button', { name: 'Add', exact: true }).isDisabled()).toBe(true);
    await page.getByTestId('countdown').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.getByRole('button', { name: 'Add', exact: true }).isDisabled()).toBe(false);
    await page.unroute('**/todos');

    await page.route('**/todos', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill(
            problemAnswer({
              type: '/problems/internal-error',
              title: 'Internal server error',
              status: 500,
              detail: 'boom',
              requestId: 'req-quote-me',
            }),
          )
        : route.continue(),
    );
    await addTodo(page, 'Meets a 500');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('req-quote-me');
    await page.unroute('**/todos');

    await page.route('**/todos', (route) => route.abort('connectionrefused'));
    await addTodo(page, 'Meets no network');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('cannot be reached');
    await page.unroute('**/todos');

    await page.route('**/todos', (route) =>
      route.fulfill(problemAnswer({ type: '/problems/invalid-token', title: 'Invalid token', status: 401 })),
    );
    await addTodo(page, 'Typed before the 401');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await page.unroute('**/todos');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Add a todo' }).waitFor();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Typed before the 401');
    // The aborted fetch logs a network line too; the 500 and the 401 their status lines.
    expect(consoleErrors([422, 429, 500, 401]).filter((text) => !text.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
  });

  it('an account deactivated by the admin meets "deactivated" on its next action, no mock involved', async () => {
    const { page, consoleErrors } = await openApp();
    const email = await register(page);
    await addTodo(page, 'Before the deactivation');
    await row(page, 'Before the deactivation').waitFor();

    // The real admin route, as a teacher would call it with curl.
    const login = await fetch(`${server.base}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const me = await fetch(`${server.base}/auth/me`, {
      headers: { Authorization: `Bearer ${login.accessToken}` },
    }).then((r) => r.json() as Promise<{ id: number }>);
    const deactivated = await fetch(`${server.base}/admin/users/${me.id}/deactivate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(deactivated.status).toBe(200);

    await addTodo(page, 'After the deactivation');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('deactivated');
    expect(await row(page, 'After the deactivation').count()).toBe(0);
    expect(consoleErrors([403])).toEqual([]);
  });

  it('one trace from the click: action span > fetch span > SERVER span > step spans', async () => {
    const { page, consoleErrors } = await openApp();
    await register(page);
    await addTodo(page, 'Follow this click');
    const action = page.locator('[data-testid="actions"] > li[data-action="todo add"]').first();
    await action.waitFor();
    const traceId = await action.getAttribute('data-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await action.getByRole('link', { name: 'span tree' }).getAttribute('href')).toBe(`/debug/traces/${traceId}`);

    interface Node {
      traceId: string;
      name: string;
      kind: string;
      attributes: Record<string, unknown>;
      children: Node[];
    }
    // The trace is the user's: read with the token the page holds (the id alone finds nothing).
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('flowlab.session') ?? '{}').token);
    expect((await fetch(`${server.base}/debug/traces/${traceId}`)).status).toBe(404);
    // The browser sends its spans a moment after the click; the API's are there at once.
    let roots: Node[] = [];
    await expect
      .poll(
        async () => {
          const response = await fetch(`${server.base}/debug/traces/${traceId}`, {
            headers: { Authorization: `Bearer ${token}` },
          });
          roots = response.ok ? ((await response.json()) as { spans: Node[] }).spans : [];
          return roots.map((r) => r.name);
        },
        { timeout: 10_000 },
      )
      .toEqual(['todo add']);
    const [click] = roots as [Node];
    expect(click.attributes['service.name']).toBe('flowlab-web');
    const fetchSpan = click.children.find((child) => child.kind === 'CLIENT');
    expect(fetchSpan?.attributes['service.name']).toBe('flowlab-web');
    const serverSpan = fetchSpan?.children.find((child) => child.kind === 'SERVER');
    expect(serverSpan?.name).toBe('POST /todos');
    const steps = serverSpan?.children.map((child) => child.name) ?? [];
    for (const step of ['authenticate', 'validate request', 'rate limit decision', 'duplicate check', 'outbox write'])
      expect(steps).toContain(step);
    const all = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...all(n.children)]);
    expect(new Set(all(roots).map((n) => n.traceId))).toEqual(new Set([traceId]));
    // No personal data came in with the browser's spans (the receiver drops the user agent).
    const browserSpans = all(roots).filter((n) => n.attributes['service.name'] === 'flowlab-web');
    expect(browserSpans.map((n) => n.name)).toEqual(['todo add', fetchSpan?.name]);
    expect(JSON.stringify(browserSpans.map((n) => n.attributes))).not.toMatch(/user_agent|HeadlessChrome/i);
    expect(consoleErrors()).toEqual([]);

    // The links go somewhere for this user: the walkthrough's trace view (a new tab of this origin,
    // given this tab's session) draws the trace, and "span tree" opens its JSON, fetched with the token.
    const traceView = action.getByRole('link', { name: 'trace view' });
    if ((await traceView.count()) > 0) {
      const [viewTab] = await Promise.all([page.context().waitForEvent('page'), traceView.click()]);
      await viewTab.locator('trace-view .waterfall').waitFor({ timeout: 20_000 });
      expect(await viewTab.locator('trace-view').textContent()).toContain('todo add');
      mkdirSync(screenshots, { recursive: true });
      await viewTab.screenshot({ path: `${screenshots}trace-view-from-app.png`, fullPage: true });
      await viewTab.close();
    }
    const [treeTab] = await Promise.all([
      page.context().waitForEvent('page'),
      action.getByRole('link', { name: 'span tree' }).click(),
    ]);
    await expect.poll(async () => treeTab.url(), { timeout: 10_000 }).toMatch(/^blob:/);
    expect(await treeTab.locator('body').textContent()).toContain(traceId);
  });
});
