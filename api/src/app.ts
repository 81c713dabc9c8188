/**
 * createApp(deps): the whole API as a Hono app, built from injected dependencies, and read as a
 * table of contents: the services, the HTTP shell, the feature routers, the lab's views, the sites.
 * No I/O happens here or at import, so tests build it freely against any database; dispose()
 * removes what the app added to its process (the dependency metrics' listeners).
 *
 * A request passes, in order: request id -> request observer (span name, metrics, log) -> body limit -> route match ->
 * authentication -> validation -> business rules (service) -> PostgreSQL (repository)
 * -> response; any error on the way leaves through the one problem+json handler.
 */
import { accountRoutes } from './admin/accounts.routes.ts';
import { requireAdmin } from './admin/require-admin.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { categoryRoutes } from './categories/categories.routes.ts';
import { problemTypeRoutes } from './errors/problem-types.routes.ts';
import { graphRoutes } from './graph/graph.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { metricsRoutes } from './health/metrics.routes.ts';
import { provideAccess, viewerCheck } from './http/access.ts';
import { apiReferenceRoutes } from './http/api-reference.ts';
import { requireUser } from './http/auth.ts';
import { createRouter } from './http/openapi.ts';
import { serveOpenApiDocument } from './http/openapi-document.ts';
import { createShell } from './http/shell.ts';
import { drillRoutes } from './lab/drills/drills.routes.ts';
import { drillsFor } from './lab/drills/wiring.ts';
import { faultTargetsOf, labRoutes } from './lab/lab.routes.ts';
import { deadLetterRoutes } from './outbox/dead-letters.routes.ts';
import { clientRateLimit } from './ratelimit/client-rate-limit.ts';
import { type AppDependencies, createServices } from './services.ts';
import { homeRoutes } from './sites/home.routes.ts';
import { siteRoutes } from './sites/static-sites.ts';
import { webConfigRoutes } from './sites/web-config.routes.ts';
import { todoRoutes } from './todos/todos.routes.ts';
import { browserSpanRoutes } from './trace-views/browser-spans.routes.ts';
import { debugRoutes } from './trace-views/debug.routes.ts';
import { jaegerRoutes } from './trace-views/jaeger.routes.ts';
import { logRoutes } from './trace-views/logs.routes.ts';
import { prometheusRoutes } from './trace-views/prometheus.routes.ts';
import { viewsRoutes } from './trace-views/views.routes.ts';

/** A page exports a batch every few hundred ms while someone clicks: 120 a minute is plenty. */
const BROWSER_SPAN_REQUESTS_PER_MINUTE = 120;

/** The origin of the collector the web client sends its spans to, if any: the pages' CSP lets them reach it. */
const collectorOrigins = (config: AppDependencies['config']) => {
  const collector = config.WEB_OTLP_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return collector ? [new URL(collector).origin] : [];
};

export function createApp(deps: AppDependencies) {
  const { config, database, logger, faults, redis, telemetry } = deps;
  const production = config.NODE_ENV === 'production';

  // 1. The services, built once.
  const services = createServices(deps);
  const { metrics, whoIs, isAdmin } = services;

  // 2. The HTTP shell, and who may call what.
  const app = createShell({
    config,
    logger,
    metrics,
    serverTimings: telemetry.serverTimings,
    serverSpans: telemetry.serverSpans,
  });
  const authenticate = requireUser({
    authenticate: whoIs,
    onAuthenticated: (traceId, userId) => telemetry.recentTraces.claim(traceId, userId),
  });
  const authLimit = clientRateLimit({
    limiter: services.rateLimiter({ limit: config.AUTH_RATE_LIMIT, windowSeconds: config.AUTH_RATE_WINDOW_SECONDS }),
    scope: 'auth',
    trustProxy: config.TRUST_PROXY,
    onRejected: () => metrics.rateLimitRejections.inc({ limit: 'auth' }),
  });
  // Each route's contract names its rule (defineRoute, http/access.ts); these are the checks.
  app.use(
    provideAccess({
      user: authenticate,
      admin: requireAdmin(config.ADMIN_TOKEN, isAdmin),
      viewer: viewerCheck({ isAdmin, authenticate: whoIs }),
    }),
  );
  // The incident drills (lab mode): while one runs, the fault switches are its own (lab/drills/wiring.ts).
  const drills = config.LAB_MODE
    ? drillsFor({
        config,
        faults,
        logger,
        traces: telemetry.recentTraces,
        redis: Boolean(redis),
        graph: Boolean(deps.graph),
      })
    : undefined;
  if (drills) {
    app.use('/lab/faults', drills.lockFaults);
    app.use('/lab/faults/*', drills.lockFaults);
  }
  app.use('/auth/register', authLimit);
  app.use('/auth/login', authLimit);

  // Chained, so that the App type carries every route's contract: the tests' typed client
  // (hono/testing) reads request and response bodies from it.
  const api = app
    // 3. The feature routers.
    .route('/', healthRoutes({ database, graph: deps.graph?.client, redis }))
    .route('/', problemTypeRoutes())
    .route('/auth', authRoutes({ auth: services.auth, users: services.users }))
    .route('/todos', todoRoutes({ todos: services.todos }))
    .route('/categories', categoryRoutes({ categories: services.categories }))
    .route('/', graphRoutes({ graph: services.graph }))
    .route('/admin', deadLetterRoutes({ outbox: services.outbox }))
    .route('/admin', accountRoutes({ users: services.users, accounts: services.accounts }))
    // 4. The lab's views of its own signals (recent traces and logs, Jaeger's, VictoriaLogs'), the scrape, the fault switches.
    .route(
      '/debug',
      debugRoutes({ traces: telemetry.recentTraces, logs: telemetry.recentLogs, isAdmin, authenticate: whoIs }),
    )
    // The log search: the recent-logs store, and VictoriaLogs when the API reads one.
    .route(
      '/debug',
      logRoutes({ logs: telemetry.recentLogs, owners: telemetry.recentTraces, victoriaLogs: services.victoriaLogs }),
    )
    .route(
      '/debug',
      jaegerRoutes({ jaeger: services.jaeger, apiService: config.OTEL_SERVICE_NAME, isAdmin, authenticate: whoIs }),
    )
    .route(
      '/debug',
      viewsRoutes({
        jaegerSearch: Boolean(services.jaeger),
        victoriaLogs: Boolean(services.victoriaLogs),
        jaegerUi: config.WEB_JAEGER_URL,
        prometheusReady: services.prometheus ? () => services.prometheus?.ready() ?? Promise.resolve(false) : undefined,
        prometheusUi: config.WEB_PROMETHEUS_URL,
      }),
    )
    // Prometheus's series for the dashboard charts: open where /metrics is (see the route).
    .route(
      '/debug',
      prometheusRoutes({
        prometheus: services.prometheus,
        open: !config.METRICS_TOKEN && !production,
        isReader: (authorization) => isAdmin(authorization) || services.isScraper(authorization),
      }),
    )
    .route('/', metricsRoutes({ metrics, tokenRequired: Boolean(config.METRICS_TOKEN), isScraper: services.isScraper }))
    // The fault switches, in lab mode only: elsewhere an empty router (no routes, no section in the document).
    .route(
      '/lab',
      config.LAB_MODE
        ? labRoutes({ faults, logger, targets: faultTargetsOf(deps) })
        : (createRouter() as ReturnType<typeof labRoutes>),
    )
    .route('/lab', drills ? drillRoutes({ drills: drills.runner }) : (createRouter() as ReturnType<typeof drillRoutes>))
    .route(
      '/otlp',
      browserSpanRoutes({
        traces: telemetry.recentTraces,
        production,
        limiter: services.rateLimiter({ limit: BROWSER_SPAN_REQUESTS_PER_MINUTE, windowSeconds: 60 }),
        trustProxy: config.TRUST_PROXY,
        authenticate: whoIs,
      }),
    )
    // 5. The sites: the web client's config (before the static /app/, so it is not a file), the
    // walkthrough and the web client, the API reference, and GET /.
    .route(
      '/',
      webConfigRoutes({
        collectorEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
        browserCollectorEndpoint: config.WEB_OTLP_ENDPOINT,
        jaegerUrl: config.WEB_JAEGER_URL,
        receiverEnabled: () => !production && telemetry.recentTraces.enabled,
        docsRoot: services.sites[0]?.root ?? '',
      }),
    )
    // The pages may call the collector the web client sends its spans to (another origin): CSP's connect-src.
    .route('/', siteRoutes(services.sites, { connectSources: collectorOrigins(config) }))
    .route('/', apiReferenceRoutes({ openapiUrl: '/openapi.json', pageTitle: 'Flowlab API reference' }))
    .route('/', homeRoutes({ databaseKind: database.kind, sites: services.sites }));
  // 6. The OpenAPI document, made from the routes' contracts when it is asked for.
  const documented = serveOpenApiDocument(api, { labMode: config.LAB_MODE });

  return Object.assign(documented, {
    /** Removes what this app added to its process (the dependency metrics' listeners). */
    dispose: () => {
      drills?.runner.dispose();
      services.stop();
    },
  });
}

export type App = ReturnType<typeof createApp>;
