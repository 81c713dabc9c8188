/**
 * GET /metrics on the real server after real traffic: the RED series, dependency and business
 * metrics, exemplars under OpenMetrics that name real traces, and promtool's verdict.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../helpers/full-server.ts';
import type { StartedServer } from '../helpers/start-server.ts';
import { newTraceparent } from '../helpers/traces.ts';

const run = promisify(execFile);

describe('metrics', () => {
  let full: FullServer;
  let server: StartedServer;
  let lastListTraceId = '';
  let auth: Record<string, string> = {};

  beforeAll(async () => {
    full = await startFullServer({ TODO_CREATE_LIMIT: '3' });
    server = full.server;
    const json = { 'Content-Type': 'application/json' };
    const credentials = JSON.stringify({ email: 'metrics@example.com', password: 'count everything' });
    await fetch(`${server.base}/auth/register`, { method: 'POST', headers: json, body: credentials });
    const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: json, body: credentials });
    auth = { ...json, Authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
    // Traffic: creates up to and past the limit, a completion, a deletion, list misses and hits, a 404.
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${server.base}/todos`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ title: `m${i}` }),
      });
      if (response.status === 201) ids.push(((await response.json()) as { id: number }).id);
    }
    await fetch(`${server.base}/todos/${ids[0]}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ completed: true }),
    });
    await fetch(`${server.base}/todos/${ids[1]}`, { method: 'DELETE', headers: auth });
    for (let i = 0; i < 3; i++) {
      const { traceparent, traceId } = newTraceparent();
      await fetch(`${server.base}/todos`, { headers: { ...auth, traceparent } });
      lastListTraceId = traceId;
    }
    await fetch(`${server.base}/todos/999999999`, { headers: auth });
  }, 90_000);

  afterAll(async () => full?.stop());

  async function scrape(accept?: string) {
    const response = await fetch(`${server.base}/metrics`, { headers: accept ? { Accept: accept } : {} });
    return { contentType: response.headers.get('content-type') ?? '', body: await response.text() };
  }

  function value(body: string, series: string): number {
    const line = body.split('\n').find((l) => l.startsWith(`${series} `));
    if (!line) throw new Error(`no series ${series}`);
    return Number(line.slice(series.length + 1).split(' ')[0]);
  }

  it('serves the RED series by method, route template and status', async () => {
    const { contentType, body } = await scrape();
    expect(contentType).toContain('text/plain; version=0.0.4');
    expect(
      value(
        body,
        'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/todos",http_response_status_code="200"}',
      ),
    ).toBe(3);
    expect(
      value(
        body,
        'http_server_request_duration_seconds_count{http_request_method="POST",http_route="/todos",http_response_status_code="429"}',
      ),
    ).toBe(1);
    // Routes are templates: the 404 for /todos/999999999 is counted under /todos/:id.
    expect(body).toContain('http_route="/todos/:id",http_response_status_code="404"');
    expect(body).not.toContain('http_route="/todos/999999999"');
    expect(body).toMatch(/^http_server_active_requests\{http_request_method="GET"\} 1$/m);
  });

  it('counts the dependencies, the cache, the limits, the breaker, the outbox and the business', async () => {
    const { body } = await scrape();
    expect(value(body, 'flowlab_todos_total{change="created"}')).toBe(3);
    expect(value(body, 'flowlab_todos_total{change="completed"}')).toBe(1);
    expect(value(body, 'flowlab_todos_total{change="deleted"}')).toBe(1);
    expect(value(body, 'flowlab_rate_limit_rejections_total{limit="create-todo"}')).toBe(1);
    expect(value(body, 'flowlab_cache_requests_total{outcome="hit"}')).toBeGreaterThanOrEqual(2);
    expect(value(body, 'flowlab_circuit_breaker_state{breaker="neo4j"}')).toBe(0);
    expect(value(body, 'flowlab_outbox_events{status="dead"}')).toBe(0);
    expect(body).toMatch(/^flowlab_outbox_oldest_pending_age_seconds \d/m);
    for (const [system, operation] of [
      ['postgresql', 'SELECT'],
      ['postgresql', 'INSERT'],
      ['redis', 'eval'],
      ['neo4j', 'sync todos'],
    ]) {
      expect(
        value(
          body,
          `flowlab_dependency_duration_seconds_count{db_system_name="${system}",db_operation_name="${operation}"}`,
        ),
      ).toBeGreaterThan(0);
    }
    expect(value(body, 'flowlab_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    // The runtime: event-loop delay, GC, heap.
    expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(body).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    expect(body).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('passes promtool check metrics', async () => {
    const { body } = await scrape();
    const check = run('promtool', ['check', 'metrics']);
    check.child.stdin?.end(body);
    const { stdout, stderr } = await check.catch((error: { stdout: string; stderr: string; code: number }) => {
      throw new Error(`promtool found problems (exit ${error.code}):\n${error.stdout}${error.stderr}`);
    });
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it('serves OpenMetrics with trace exemplars when the scraper asks for it', async () => {
    const { contentType, body } = await scrape('application/openmetrics-text; version=1.0.0,text/plain;q=0.5');
    expect(contentType).toContain('application/openmetrics-text');
    expect(body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(body).toContain('# TYPE flowlab_todos counter');
    expect(body).toContain('flowlab_todos_total{change="created"} 3');
    // The last GET /todos is the exemplar of the bucket it fell into: its trace is a real one.
    const exemplar = new RegExp(
      `^http_server_request_duration_seconds_bucket\\{[^}]*http_route="/todos",http_response_status_code="200"[^}]*\\} \\d+ # \\{trace_id="${lastListTraceId}",span_id="[0-9a-f]{16}"\\} [\\d.e-]+ \\d`,
      'm',
    );
    expect(body).toMatch(exemplar);
    // An exemplar is public, and so is its trace id: the trace itself is its user's alone (issue 20).
    expect((await fetch(`${server.base}/debug/traces/${lastListTraceId}`)).status).toBe(404);
    expect((await fetch(`${server.base}/debug/traces/${lastListTraceId}`, { headers: auth })).status).toBe(200);
  });
});
