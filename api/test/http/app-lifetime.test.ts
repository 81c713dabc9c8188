/**
 * What createApp adds to its process, dispose() takes away: a disposed app no longer turns the
 * process's dependency spans into its metrics. And the App type covers every route: the typed
 * client reaches /metrics, the lab's views and the web client's config as well as the API.
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExtractSchema } from 'hono/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { DependencySpans } from '../../src/telemetry/dependency-spans.ts';
import { processTelemetry } from '../../src/telemetry/process-telemetry.ts';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

/** A PostgreSQL call's CLIENT span, as db/pg-tracing.ts ends it. */
const postgresCall = {
  kind: SpanKind.CLIENT,
  attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' },
  duration: [0, 2_000_000],
} as unknown as ReadableSpan;

const selectCount = (exposition: string) =>
  Number(
    /^flowlab_dependency_duration_seconds_count\{db_system_name="postgresql",db_operation_name="SELECT"\} (\d+)/m.exec(
      exposition,
    )?.[1] ?? 0,
  );

/**
 * Every path the App type knows, each once: a route added to the chain fails to compile until it
 * is listed here, and a route added beside the chain (untyped) fails the test below.
 */
const typedPaths: Record<keyof ExtractSchema<App>, true> = {
  '/': true,
  '/healthz': true,
  '/readyz': true,
  '/metrics': true,
  '/problems': true,
  '/problems/:slug': true,
  '/openapi.json': true,
  '/reference': true,
  '/reference/swagger-ui-bundle.js': true,
  '/reference/swagger-ui.css': true,
  '/app/config.json': true,
  '/auth/register': true,
  '/auth/login': true,
  '/auth/me': true,
  '/todos': true,
  '/todos/:id': true,
  '/todos/:id/related': true,
  '/categories': true,
  '/categories/:id': true,
  '/users/me/similar': true,
  '/graph/stats': true,
  '/admin/outbox/dead': true,
  '/admin/outbox/:id/replay': true,
  '/admin/users/:id/deactivate': true,
  '/admin/users/:id/reactivate': true,
  '/debug/views': true,
  '/debug/traces': true,
  '/debug/traces/:traceId': true,
  '/debug/logs': true,
  '/debug/jaeger/services': true,
  '/debug/jaeger/operations': true,
  '/debug/jaeger/traces': true,
  '/debug/jaeger/traces/:traceId': true,
  '/debug/prometheus/query_range': true,
  '/otlp/v1/traces': true,
  '/lab/faults': true,
  '/lab/faults/:target': true,
  '/lab/drills': true,
  '/lab/drills/current': true,
  '/lab/drills/:drillId/start': true,
  '/lab/drill-runs/:runId': true,
  '/lab/drill-runs/:runId/answer': true,
  '/lab/drill-runs/:runId/hint': true,
  '/lab/drill-runs/:runId/lease': true,
};

describe('an app and its process', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pgliteBackend.create();
  });
  afterAll(async () => database?.close());

  it('stops hearing dependency spans once disposed of', async () => {
    const dependencySpans = new DependencySpans();
    const t = createTestApp(database, {}, { telemetry: { ...processTelemetry, dependencySpans } });
    const scrape = async () => selectCount(await (await t.client.metrics.$get()).text());

    dependencySpans.onEnd(postgresCall);
    expect(await scrape()).toBe(1);
    t.app.dispose();
    dependencySpans.onEnd(postgresCall);
    expect(await scrape()).toBe(1);
  });

  it('types every route it serves, the lab views and the sites included', async () => {
    const t = createTestApp(database, { LAB_MODE: '1', ADMIN_TOKEN: 'lifetime-admin-token-0123456789' });
    const served = new Set(
      t.app.routes
        // Middleware (ALL) is not a route; the walkthrough's and the web client's files are files, not contracts.
        .filter((route) => route.method !== 'ALL' && !/^\/(learn|app)(\/\*)?$/.test(route.path))
        .map((route) => route.path),
    );
    expect(served.size).toBeGreaterThan(40);
    expect([...served].filter((path) => !(path in typedPaths))).toEqual([]);
    t.app.dispose();
  });

  it('reaches the lab views and the sites through the typed client', async () => {
    const t = createTestApp(database);
    const views = await t.client.debug.views.$get();
    expect(views.status).toBe(200);
    const config = await t.client.app['config.json'].$get();
    expect((await config.json()).apiBase).toBe('');
    t.app.dispose();
  });
});
