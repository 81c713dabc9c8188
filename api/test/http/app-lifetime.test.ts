/**
 * What createApp adds to its process, dispose() takes away: a disposed app no longer turns the
 * process's dependency spans into its metrics. And the App type covers every route: the typed
 * client reaches /metrics, the lab's views and the web client's config as well as the API.
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencySpans } from '../../src/telemetry/dependency-spans.ts';
import { processTelemetry } from '../../src/telemetry/process-telemetry.ts';
import { pgliteBackend, type TestDatabase } from '../helpers/backends.ts';
import { createTestApp } from '../helpers/test-app.ts';

/** A PostgreSQL call's CLIENT span, as the pg instrumentation ends it. */
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

  it('types every route, the lab views and the sites included', async () => {
    const t = createTestApp(database);
    const views = await t.client.debug.views.$get();
    expect(views.status).toBe(200);
    const config = await t.client.app['config.json'].$get();
    expect((await config.json()).apiBase).toBe('');
    t.app.dispose();
  });
});
