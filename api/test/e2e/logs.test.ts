/**
 * The logs, end to end: the API's pino lines become OpenTelemetry log records, go over OTLP to a
 * real collector (running ./otel-collector.yaml, its logs pipeline) and on to a real VictoriaLogs,
 * with their trace and span ids. The API's recent-logs store is kept tiny here, so a request's line
 * leaves it within a few requests: then GET /debug/logs finds it in VictoriaLogs instead, for its
 * own user only. Started by `npm run test:e2e` (the stack: npm run stack:up).
 * E2E_COLLECTOR_URL points the API at another collector than the stack's (a developer's own).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type FullServer, startFullServer, tracedClient } from '../helpers/full-server.ts';
import { eventually } from '../helpers/services.ts';

const VICTORIALOGS = 'http://127.0.0.1:9428';
const COLLECTOR = process.env.E2E_COLLECTOR_URL ?? 'http://127.0.0.1:4318';
const ADMIN_TOKEN = 'e2e-logs-admin-token-0123456789';
const RECENT_LOGS_MAX = 10;

interface VictoriaLine {
  _msg: string;
  trace_id?: string;
  span_id?: string;
  route?: string;
  status?: string;
  severity_text?: string;
  'service.name'?: string;
}

async function victoriaLines(query: string): Promise<VictoriaLine[]> {
  const url = new URL(`${VICTORIALOGS}/select/logsql/query`);
  url.searchParams.set('query', query);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`VictoriaLogs refused ${query}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('log lines through the collector to VictoriaLogs, and back through the API', () => {
  let full: FullServer;
  const ada = tracedClient(() => full.server.base);
  const bob = tracedClient(() => full.server.base);
  let created: { traceId: string };
  let serverSpanId = '';

  beforeAll(async () => {
    full = await startFullServer({
      ADMIN_TOKEN,
      OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR,
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      VICTORIALOGS_URL: VICTORIALOGS,
      RECENT_LOGS_MAX: String(RECENT_LOGS_MAX),
    });
    for (const [client, email] of [
      [ada, 'ada-logs@example.com'],
      [bob, 'bob-logs@example.com'],
    ] as const) {
      const credentials = { email, password: 'end to end logs' };
      await client.call('POST', '/auth/register', credentials);
      client.setToken((await client.call('POST', '/auth/login', credentials)).json.accessToken);
    }
    created = await ada.call('POST', '/todos', { title: 'Seen in VictoriaLogs' });
    const trace = await fetch(`${full.server.base}/debug/traces/${created.traceId}`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { spans } = (await trace.json()) as { spans: { spanId: string; kind: string; logs: unknown[] }[] };
    const root = spans.find((s) => s.kind === 'SERVER');
    serverSpanId = root?.spanId ?? '';
    // While it is recent, the line is under its span in the API's own view.
    expect(root?.logs).toHaveLength(1);
  }, 120_000);

  afterAll(async () => full?.stop());

  it("reaches VictoriaLogs through the collector with its trace and span ids and the request's fields", async () => {
    const [line] = await eventually(
      async () => {
        const found = await victoriaLines(`trace_id:="${created.traceId}"`);
        if (found.length === 0) throw new Error('not in VictoriaLogs yet');
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(line).toMatchObject({
      _msg: 'request',
      trace_id: created.traceId,
      span_id: serverSpanId,
      route: '/todos',
      status: '201',
      severity_text: 'info',
      'service.name': 'flowlab-api',
    });
  });

  it('finds the line in VictoriaLogs through the API once it has left the recent-logs store, for its user only', async () => {
    // More lines than the store keeps: the create's line is pushed out.
    for (let i = 0; i < RECENT_LOGS_MAX + 2; i++) await ada.call('GET', '/todos');
    const search = (client: typeof ada, source: string) =>
      client.call('GET', `/debug/logs?source=${source}&traceId=${created.traceId}`);
    const recent = await search(ada, 'recent');
    expect(recent.status).toBe(200);
    expect(recent.json.items).toEqual([]);

    const stored = await eventually(
      async () => {
        const answer = await search(ada, 'victorialogs');
        if (answer.status !== 200 || answer.json.items.length === 0) throw new Error(JSON.stringify(answer.json));
        return answer.json;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(stored.source).toBe('victorialogs');
    expect(stored.scope).toBe('own');
    expect(stored.items[0]).toMatchObject({
      message: 'request',
      level: 'info',
      traceId: created.traceId,
      spanId: serverSpanId,
      fields: { route: '/todos', status: 201 },
    });
    // Another user does not find it, even by its trace id; the admin token does.
    expect((await search(bob, 'victorialogs')).json.items).toEqual([]);
    const admin = await fetch(
      `${full.server.base}/debug/logs?source=victorialogs&traceId=${created.traceId}&level=info&route=/todos&status=201`,
      { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(((await admin.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('stays well inside the memory limit compose gives VictoriaLogs', async () => {
    const pid = (
      await readFile(new URL('../../../.data/victorialogs/victorialogs.pid', import.meta.url), 'utf8')
    ).trim();
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const peakMiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
    const compose = parse(await readFile(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'));
    const limitMiB = Number.parseInt(compose.services.victorialogs.mem_limit, 10);
    console.log(`VictoriaLogs peak RSS after the e2e run: ${peakMiB.toFixed(1)} MiB (compose limit ${limitMiB} MiB)`);
    expect(peakMiB).toBeGreaterThan(1);
    expect(peakMiB * 1.2).toBeLessThanOrEqual(limitMiB);
  });
});
