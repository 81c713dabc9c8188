/**
 * Metrics with prom-client, served at GET /metrics:
 * - RED: http_server_request_duration_seconds by method, route template and status, with
 *   trace_id exemplars (OpenMetrics), and the requests in flight;
 * - dependencies: call durations by system and operation, pool usage, cache outcomes,
 *   rate-limit rejections, circuit breaker state and transitions, the outbox backlog;
 * - the business: todos created, completed, deleted;
 * - the Node.js runtime: event-loop delay, GC, heap (prom-client's default metrics).
 * Label values are bounded: routes are templates, operations come from a fixed set of code paths.
 */
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type Metric,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import { CallDurations } from './call-durations.ts';

export const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE;

export interface BacklogSource {
  backlog(): Promise<{ pending: number; dead: number; oldestPendingAgeSeconds: number }>;
}

let runtime: Metric[] | undefined;

/**
 * The Node.js runtime's metrics (prom-client's defaults), made once per process and shared by every
 * app in it: the event loop and the GC are the process's, and prom-client starts monitors for them
 * that it offers no way to stop, so a second set would only add monitors that never go away.
 */
function runtimeMetrics(): Metric[] {
  if (!runtime) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
    // These three are gauges with a _total suffix, which Prometheus's naming rules (and promtool)
    // reserve for counters; the lab does without them.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      registry.removeSingleMetric(name);
    }
    runtime = registry.getMetricsAsArray() as unknown as Metric[];
  }
  return runtime;
}

/**
 * A counter under the name one format gives it, read through its public get(): OpenMetrics names
 * the family without _total (its samples add it), the classic text format names the samples with
 * it. prom-client keeps one name per counter and rewrites it in place during an OpenMetrics scrape,
 * so the names would depend on which format was scraped first; each format gets its own view instead.
 */
function counterNamed(counter: Metric, name: string): Metric {
  const view = { name, type: 'counter', get: async () => ({ ...(await counter.get()), name }) };
  return view as unknown as Metric;
}

/** One exposition registry: every metric, counters under the name this format gives them. */
function expositionRegistry(metrics: Metric[], format: 'openmetrics' | 'text'): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  if (format === 'openmetrics') registry.setContentType(OPENMETRICS);
  for (const metric of metrics) {
    if (!(metric instanceof Counter)) {
      registry.registerMetric(metric);
      continue;
    }
    const family = (metric as unknown as { name: string }).name.replace(/_total$/, '');
    registry.registerMetric(counterNamed(metric, format === 'openmetrics' ? family : `${family}_total`));
  }
  return registry;
}

export function createMetrics() {
  // Exemplars exist only in OpenMetrics, so the histograms are made on an OpenMetrics registry
  // (prom-client insists); the expositions below are views of the same metric objects.
  const own = new Registry<typeof OPENMETRICS>();
  own.setContentType(OPENMETRICS);
  const registers = [own];

  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by method, route template and status code.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    enableExemplars: true,
    registers,
  });
  const activeRequests = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP server requests in flight.',
    labelNames: ['http_request_method'] as const,
    registers,
  });
  // Observed seven or eight times a POST: the lab's own histogram, cheaper than prom-client's (call-durations.ts).
  const dependencyDuration = new CallDurations([
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  ]);
  own.registerMetric(dependencyDuration.asMetric());
  const poolConnections = new Gauge({
    name: 'flowlab_db_pool_connections',
    help: 'PostgreSQL pool connections, by state (total, idle, waiting clients).',
    labelNames: ['state'] as const,
    registers,
  });
  const cacheRequests = new Counter({
    name: 'flowlab_cache_requests',
    help: 'Cache lookups, by outcome (hit, miss, bypass when the cache is unavailable).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const rateLimitRejections = new Counter({
    name: 'flowlab_rate_limit_rejections',
    help: 'Requests refused with 429, by limit.',
    labelNames: ['limit'] as const,
    registers,
  });
  const breakerState = new Gauge({
    name: 'flowlab_circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
    labelNames: ['breaker'] as const,
    registers,
  });
  const breakerTransitions = new Counter({
    name: 'flowlab_circuit_breaker_transitions',
    help: 'Circuit breaker state changes, by the state entered.',
    labelNames: ['breaker', 'state'] as const,
    registers,
  });
  const outboxEvents = new Gauge({
    name: 'flowlab_outbox_events',
    help: 'Outbox events waiting for the graph (pending) or given up on (dead).',
    labelNames: ['status'] as const,
    registers,
  });
  const outboxOldestAge = new Gauge({
    name: 'flowlab_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending outbox event: how far behind the graph is.',
    registers,
  });
  const todoChanges = new Counter({
    name: 'flowlab_todos',
    help: 'Todos created, completed, reopened and deleted.',
    labelNames: ['change'] as const,
    registers,
  });

  const all = [...runtimeMetrics(), ...(own.getMetricsAsArray() as unknown as Metric[])];
  const openMetrics = expositionRegistry(all, 'openmetrics');
  const text = expositionRegistry(all, 'text');

  return {
    httpDuration,
    activeRequests,
    dependencyDuration,
    poolConnections,
    cacheRequests,
    rateLimitRejections,
    breakerState,
    breakerTransitions,
    outboxEvents,
    outboxOldestAge,
    todoChanges,

    /** Reads values that are cheaper to ask for at scrape time than to track (pool, backlog). */
    sources: [] as (() => Promise<void> | void)[],

    /** The exposition, in OpenMetrics (with exemplars) when the scraper asks for it, else classic text. */
    async expose(accept: string | undefined): Promise<{ contentType: string; body: string }> {
      await Promise.all(this.sources.map(async (source) => source()));
      if (accept?.includes('application/openmetrics-text')) {
        return { contentType: OPENMETRICS, body: await openMetrics.metrics() };
      }
      return { contentType: PROMETHEUS_TEXT, body: await text.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Watches the outbox backlog at scrape time. */
export function watchBacklog(metrics: Metrics, source: BacklogSource): void {
  metrics.sources.push(async () => {
    try {
      const backlog = await source.backlog();
      metrics.outboxEvents.set({ status: 'pending' }, backlog.pending);
      metrics.outboxEvents.set({ status: 'dead' }, backlog.dead);
      metrics.outboxOldestAge.set(backlog.oldestPendingAgeSeconds);
    } catch {
      // PostgreSQL down: the backlog is unknown; the previous values stay, /readyz says why.
    }
  });
}
