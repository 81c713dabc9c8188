/**
 * The end-to-end tier: the API on real PostgreSQL, Redis and Neo4j, sending its spans to a real
 * OpenTelemetry Collector (running ./otel-collector.yaml), which sends them to a real Jaeger and
 * turns them into span metrics; a real Prometheus scrapes the API and the collector. Every
 * dashboard panel's query runs against that Prometheus. Started by `npm run test:e2e`.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, expandQuery } from '../../../docs/src/lib/dashboards.ts';
import { type FullServer, startFullServer, tracedClient } from '../helpers/full-server.ts';
import { eventually } from '../helpers/services.ts';
import type { StartedServer } from '../helpers/start-server.ts';
import { CREATE_STEPS } from '../helpers/traces.ts';

const run = promisify(execFile);
const JAEGER = 'http://127.0.0.1:16686';
const PROMETHEUS = 'http://127.0.0.1:9090';
const COLLECTOR_METRICS = 'http://127.0.0.1:8888/metrics';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function jaegerTrace(traceId: string): Promise<JaegerTrace> {
  return eventually(
    async () => {
      const response = await fetch(`${JAEGER}/api/traces/${traceId}`);
      if (response.status !== 200) throw new Error(`Jaeger: ${response.status}`);
      const { data } = (await response.json()) as { data: JaegerTrace[] };
      if (!data[0]) throw new Error('trace not in Jaeger yet');
      return data[0];
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: never[] } };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${query}: ${body.error}`);
  return body.data.result;
}

async function acceptedSpans(): Promise<number> {
  const text = await (await fetch(COLLECTOR_METRICS)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('otelcol_receiver_accepted_spans'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('the stack, end to end', () => {
  let full: FullServer;
  let server: StartedServer;
  const traces: { create: string; list: string; pending: string } = { create: '', list: '', pending: '' };
  let acceptedBefore = 0;
  const client = tracedClient(() => server.base);
  const call = client.call;

  beforeAll(async () => {
    acceptedBefore = await acceptedSpans();
    full = await startFullServer({
      // Prometheus scrapes the API at 127.0.0.1:8000.
      PORT: '8000',
      LAB_MODE: '1',
      ADMIN_TOKEN,
      OUTBOX_POLL_MS: '50',
      TODO_CREATE_LIMIT: '12',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_BSP_SCHEDULE_DELAY: '500',
    });
    server = full.server;

    const credentials = { email: 'e2e@example.com', password: 'end to end please' };
    await call('POST', '/auth/register', credentials);
    client.setToken((await call('POST', '/auth/login', credentials)).json.accessToken);
    await call('POST', '/todos', { title: 'warm-up' });

    const created = await call('POST', '/todos', { title: 'Seen in Jaeger' });
    traces.create = created.traceId;
    await call('PATCH', `/todos/${created.json.id}`, { completed: true });
    traces.list = (await call('GET', '/todos')).traceId;
    await call('GET', '/todos');
    await call('GET', `/todos/${created.json.id}`);

    // One create while Neo4j fails, so the outbox worker applies it and links back.
    traces.pending = (
      await client.whileNeo4jFails(ADMIN_TOKEN, () => call('POST', '/todos', { title: 'Applied by the worker' }))
    ).traceId;
    // Past the create limit, for the rate-limit panel; a delete for the business panel.
    for (let i = 0; i < 10; i++) await call('POST', '/todos', { title: `burst ${i}` });
    await call('DELETE', `/todos/${created.json.id}`);
  }, 120_000);

  afterAll(async () => full?.stop());

  it('ships a collector config that the real collector validates', async () => {
    const binary = fileURLToPath(new URL('../../../.data/bin/otelcol-flowlab', import.meta.url));
    const config = fileURLToPath(new URL('../../../otel-collector.yaml', import.meta.url));
    const { stdout, stderr } = await run(binary, ['validate', `--config=${config}`]);
    // A deprecated component name would be a warning here: the config uses the current names.
    expect(`${stdout}${stderr}`).not.toMatch(/deprecated/i);
    // And a broken one is refused, so the check above can fail.
    await expect(run(binary, ['validate', '--config=yaml:receivers::otlp::protocols::bogus: {}'])).rejects.toThrow();
  });

  it('gets one request into Jaeger as one trace with the expected spans', async () => {
    const trace = await jaegerTrace(traces.create);
    const names = trace.spans.map((s) => s.operationName);
    expect(names).toEqual(
      expect.arrayContaining(['POST /todos', ...CREATE_STEPS, 'circuit breaker', 'neo4j sync todos']),
    );
    // PostgreSQL's statements, named by the semantic conventions ({operation} {table}).
    expect(names.some((n) => /^(SELECT|INSERT|UPDATE|DELETE) \w+/.test(n))).toBe(true);
    expect(new Set(trace.spans.map((s) => s.traceID))).toEqual(new Set([traces.create]));
    expect(Object.values(trace.processes).map((p) => p.serviceName)).toContain('flowlab-api');
  });

  it('got there through the collector, not straight from the API', async () => {
    // The API knows only the collector's address; and the collector counted the spans it received.
    await jaegerTrace(traces.list);
    expect(await acceptedSpans()).toBeGreaterThan(acceptedBefore);
  });

  it("links the outbox worker's span to the request's trace", async () => {
    await jaegerTrace(traces.pending);
    const linked = await eventually(
      async () => {
        const url = `${JAEGER}/api/traces?service=flowlab-api&operation=${encodeURIComponent('outbox event todo.created')}&limit=50&lookback=1h`;
        const { data } = (await (await fetch(url)).json()) as { data: JaegerTrace[] };
        const span = data.flatMap((t) => t.spans).find((s) => s.references.some((r) => r.traceID === traces.pending));
        if (!span) throw new Error('no worker span linked yet');
        return span;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(linked.operationName).toBe('outbox event todo.created');
    expect(linked.traceID).not.toBe(traces.pending);
  });

  it('has Prometheus scraping the API and the span metrics', async () => {
    await eventually(
      async () => {
        const direct = await promQuery('sum(http_server_request_duration_seconds_count{http_route="/todos"})');
        const fromSpans = await promQuery('sum(traces_span_metrics_calls_total{service_name="flowlab-api"})');
        if (!direct[0] || !fromSpans[0]) throw new Error('not scraped yet');
        expect(Number(direct[0].value[1])).toBeGreaterThan(0);
        expect(Number(fromSpans[0].value[1])).toBeGreaterThan(0);
      },
      { timeoutMs: 40_000, intervalMs: 1000 },
    );
    const up = await promQuery('up');
    expect(up.map((r) => `${r.metric.job}=${r.value[1]}`).sort()).toEqual([
      'flowlab-api=1',
      'otel-collector-spanmetrics=1',
    ]);
  });

  it('stores exemplars whose trace ids are real traces in Jaeger', async () => {
    const exemplars = await eventually(
      async () => {
        const end = Date.now() / 1000;
        const query = encodeURIComponent('http_server_request_duration_seconds_bucket');
        const response = await fetch(
          `${PROMETHEUS}/api/v1/query_exemplars?query=${query}&start=${end - 600}&end=${end}`,
        );
        const { data } = (await response.json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
        const all = data.flatMap((series) => series.exemplars);
        if (all.length === 0) throw new Error('no exemplars yet');
        return all;
      },
      { timeoutMs: 40_000, intervalMs: 1000 },
    );
    const traceIds = [...new Set(exemplars.map((e) => e.labels.trace_id))].filter(Boolean) as string[];
    expect(traceIds.length).toBeGreaterThan(0);
    const found = await Promise.all(
      traceIds.slice(0, 5).map(async (id) => (await fetch(`${JAEGER}/api/traces/${id}`)).status === 200),
    );
    expect(found).toContain(true);
  });

  it('answers every panel of every dashboard with data', async () => {
    const folder = new URL('../../../dashboards/', import.meta.url);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.json'));
    // Two scrapes after the traffic, so that every rate() has two points.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const empty: string[] = [];
    for (const file of files) {
      const dashboard = JSON.parse(await readFile(new URL(file, folder), 'utf8')) as Dashboard;
      for (const panel of dashboard.panels) {
        for (const target of panel.targets ?? []) {
          // The docs' substitution (their dashboard pages link these queries), with wider windows
          // than Grafana's 20 s: an instant query at one moment must still catch the traffic above.
          const expr = expandQuery(String(target.expr), dashboard, {
            rateIntervalSeconds: 120,
            intervalSeconds: 15,
            rangeSeconds: 900,
          });
          const result = await promQuery(expr);
          // k6's series (the Load test dashboard) exist only during a k6 run: accepted, but empty here.
          if (result.length === 0 && !/\bk6_/.test(expr))
            empty.push(`${file} / ${panel.title} / ${target.refId}: ${expr}`);
        }
      }
    }
    expect(empty).toEqual([]);
  }, 120_000);
});
