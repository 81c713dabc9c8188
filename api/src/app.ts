/**
 * createApp(deps): the whole API as a Hono app, built from injected dependencies.
 * No I/O happens here or at import, so tests build it freely against any database.
 *
 * A request passes, in order: request id -> request observer (span name, metrics, log) -> body limit -> route match ->
 * authentication -> validation -> business rules (service) -> PostgreSQL (repository)
 * -> response; any error on the way leaves through the one problem+json handler.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { accountRoutes } from './admin/accounts.routes.ts';
import { requireAdmin, staticTokenCheck } from './admin/require-admin.ts';
import { createAccountStates } from './auth/account-states.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { createUsersRepository } from './auth/users.repository.ts';
import { memoryStore, redisStore } from './cache/store.ts';
import { createTodoCache } from './cache/todo-cache.ts';
import { categoryRoutes } from './categories/categories.routes.ts';
import { createCategoryService } from './categories/categories.service.ts';
import type { Runtime } from './dependencies.ts';
import { invalidToken } from './errors/invalid-token.ts';
import { ProblemError } from './errors/problem.ts';
import { problemTypeRoutes } from './errors/problem-types.routes.ts';
import { graphRoutes } from './graph/graph.routes.ts';
import { createGraphService } from './graph/graph.service.ts';
import { healthRoutes } from './health/health.routes.ts';
import { mountApiReference } from './http/api-reference.ts';
import { createAuthenticator, requireUser } from './http/auth.ts';
import { crossOrigin } from './http/cors.ts';
import type { HonoEnv } from './http/env.ts';
import { createErrorHandler } from './http/error-handler.ts';
import { methodAwareNotFound } from './http/method-not-allowed.ts';
import { requestObserver } from './http/request-observer.ts';
import { validationHook } from './http/validation.ts';
import { labRoutes } from './lab/lab.routes.ts';
import { deadLetterRoutes } from './outbox/dead-letters.routes.ts';
import { createOutboxRepository } from './outbox/outbox.repository.ts';
import { graphSyncFor } from './outbox/wiring.ts';
import { clientRateLimit } from './ratelimit/client-rate-limit.ts';
import { memoryRateLimiter, type RateLimiter, redisRateLimiter, type WindowOptions } from './ratelimit/rate-limiter.ts';
import { defaultSites, mountSites } from './sites/static-sites.ts';
import { webConfigRoutes } from './sites/web-config.routes.ts';
import { createMetrics } from './telemetry/metrics.ts';
import { recentTraces } from './telemetry/recent-traces.ts';
import { watchDependencies } from './telemetry/watch-dependencies.ts';
import { todoRoutes } from './todos/todos.routes.ts';
import { createTodoService } from './todos/todos.service.ts';
import { browserSpanRoutes } from './trace-views/browser-spans.routes.ts';
import { debugRoutes } from './trace-views/debug.routes.ts';
import { jaegerRoutes } from './trace-views/jaeger.routes.ts';
import { createJaegerQuery } from './trace-views/jaeger-query.ts';
import { prometheusRoutes } from './trace-views/prometheus.routes.ts';
import { createPrometheusQuery } from './trace-views/prometheus-query.ts';
import { viewsRoutes } from './trace-views/views.routes.ts';
import { API_VERSION } from './version.ts';

/** A page exports a batch every few hundred ms while someone clicks: 120 a minute is plenty. */
const BROWSER_SPAN_REQUESTS_PER_MINUTE = 120;

/** The document's sections, in the order a learner meets them. */
const openApiTags = [
  { name: 'health', description: 'Liveness and readiness probes' },
  { name: 'auth', description: 'Accounts and bearer tokens' },
  { name: 'todos', description: 'The todo lifecycle, the request journey the lab follows' },
  { name: 'categories', description: 'Your categories, which todos belong to' },
  { name: 'graph', description: 'Questions for Neo4j, fed by the outbox' },
  { name: 'problems', description: 'What each problem `type` means' },
  { name: 'debug', description: "The recent-traces view, Jaeger's traces and the telemetry views the lab pages read" },
  { name: 'admin', description: 'Outbox dead letters and accounts (ADMIN_TOKEN)' },
  { name: 'lab', description: 'Fault switches (LAB_MODE=1 and ADMIN_TOKEN)' },
];

export function createApp(deps: Runtime) {
  const { config, database, logger, faults, redis } = deps;
  const { db } = database;

  const users = createUsersRepository(db);
  const tokens = createTokenIssuer({
    secret: config.JWT_SECRET,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const auth = createAuthService({ users, tokens, scrypt: { logN: config.PASSWORD_SCRYPT_LOG_N, r: 8, p: 3 } });

  const keyPrefix = config.REDIS_KEY_PREFIX;
  const rateLimiter = (window: WindowOptions): RateLimiter => {
    const inMemory = memoryRateLimiter({ ...window, maxKeys: config.CACHE_MAX_ENTRIES });
    return redis ? redisRateLimiter({ ...window, redis, keyPrefix, faults, fallback: inMemory, logger }) : inMemory;
  };
  const metrics = createMetrics();
  // One store for cached todos and account states: in Redis, shared by every replica.
  const store = redis
    ? redisStore(redis, faults)
    : memoryStore({
        maxEntries: config.CACHE_MAX_ENTRIES,
        maxBytes: config.CACHE_MAX_BYTES,
        maxBytesPerOwner: Math.min(config.CACHE_MAX_BYTES_PER_USER, config.CACHE_MAX_BYTES),
      });
  const accounts = createAccountStates({ store, users, keyPrefix, logger });
  const cache = createTodoCache({
    store,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    keyPrefix,
    logger,
    onOutcome: (outcome) => metrics.cacheRequests.inc({ outcome }),
  });
  const graphSync = graphSyncFor(deps) ?? { tryInline: async () => 'disabled' as const };
  const outbox = createOutboxRepository(db);

  const todos = createTodoService({
    db,
    cache,
    graphSync,
    createLimiter: rateLimiter({ limit: config.TODO_CREATE_LIMIT, windowSeconds: config.TODO_CREATE_WINDOW_SECONDS }),
    metrics,
  });
  const categories = createCategoryService({ db, cache, graphSync });
  const graph = createGraphService({ graph: deps.graph?.client, breaker: deps.graph?.breaker, todos, outbox });
  const whoIs = createAuthenticator({ tokens, accounts });
  const authenticate = requireUser({
    authenticate: whoIs,
    onAuthenticated: (traceId, userId) => recentTraces.claim(traceId, userId),
  });
  const authLimit = clientRateLimit({
    limiter: rateLimiter({ limit: config.AUTH_RATE_LIMIT, windowSeconds: config.AUTH_RATE_WINDOW_SECONDS }),
    scope: 'auth',
    trustProxy: config.TRUST_PROXY,
    onRejected: () => metrics.rateLimitRejections.inc({ limit: 'auth' }),
  });
  watchDependencies(metrics, { database, breaker: deps.graph?.breaker, outbox });
  const admin = requireAdmin(config.ADMIN_TOKEN);

  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(logger));
  app.notFound(methodAwareNotFound(app.routes));

  app.use(crossOrigin({ origins: config.CORS_ORIGINS ?? [] }));
  app.use(requestId({ headerName: 'X-Request-ID' }));
  app.use(requestObserver({ metrics, logger }));
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  const limitBody = bodyLimit({
    maxSize: config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new ProblemError('payload-too-large', {
        detail: `The request body is larger than ${config.BODY_LIMIT_BYTES} bytes.`,
      });
    },
  });
  // A GET or HEAD has no body to limit, and asking for one (c.req.raw.body) makes the node server
  // build a full Request for it: about 8% of a cached GET's CPU when profiled.
  app.use(async function limitRequestBody(c, next) {
    return c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next);
  });

  app.use('/todos/*', authenticate);
  app.use('/categories/*', authenticate);
  app.use('/users/*', authenticate);
  app.use('/graph/*', authenticate);
  app.use('/auth/register', authLimit);
  app.use('/auth/login', authLimit);
  app.use('/admin/*', admin);

  // Chained, so that the app's type carries every route's contract: the tests' typed client
  // (hono/testing) reads request and response bodies from it.
  const api = app
    .route('/', healthRoutes({ database, graph: deps.graph?.client, redis }))
    .route('/', problemTypeRoutes())
    .route('/auth', authRoutes({ auth, users, requireUser: authenticate }))
    .route('/todos', todoRoutes({ todos }))
    .route('/categories', categoryRoutes({ categories }))
    .route('/', graphRoutes({ graph }))
    .route('/admin', deadLetterRoutes({ outbox }))
    .route('/admin', accountRoutes({ users, accounts }))
    .route(
      '/debug',
      debugRoutes({ traces: recentTraces, isAdmin: staticTokenCheck(config.ADMIN_TOKEN), authenticate: whoIs }),
    );
  // Jaeger's traces and the views the docs offer (no Grafana, and natively no Jaeger UI).
  const jaeger = config.JAEGER_QUERY_URL
    ? createJaegerQuery({
        baseUrl: config.JAEGER_QUERY_URL,
        timeoutMs: config.JAEGER_QUERY_TIMEOUT_MS,
        maxBytes: config.JAEGER_QUERY_MAX_BYTES,
      })
    : undefined;
  app.route(
    '/debug',
    jaegerRoutes({
      jaeger,
      apiService: config.OTEL_SERVICE_NAME,
      isAdmin: staticTokenCheck(config.ADMIN_TOKEN),
      authenticate: whoIs,
    }),
  );
  // Prometheus's series for the docs' dashboard charts: open where /metrics is (see the route).
  const prometheus = config.PROMETHEUS_URL
    ? createPrometheusQuery({
        baseUrl: config.PROMETHEUS_URL,
        timeoutMs: config.PROMETHEUS_QUERY_TIMEOUT_MS,
        maxBytes: config.PROMETHEUS_QUERY_MAX_BYTES,
      })
    : undefined;
  const isAdmin = staticTokenCheck(config.ADMIN_TOKEN);
  const isScraper = staticTokenCheck(config.METRICS_TOKEN);
  app.route(
    '/debug',
    prometheusRoutes({
      prometheus,
      open: !config.METRICS_TOKEN && config.NODE_ENV !== 'production',
      isReader: (authorization) => isAdmin(authorization) || isScraper(authorization),
    }),
  );
  app.route(
    '/debug',
    viewsRoutes({
      jaegerSearch: Boolean(jaeger),
      jaegerUi: config.WEB_JAEGER_URL,
      prometheusReady: prometheus ? () => prometheus.ready() : undefined,
      prometheusUi: config.WEB_PROMETHEUS_URL,
    }),
  );
  // Public in the lab (its Prometheus scrapes it); METRICS_TOKEN makes scrapers bring a bearer token.
  app.get('/metrics', async (c) => {
    if (config.METRICS_TOKEN && !isScraper(c.req.header('Authorization'))) {
      throw invalidToken('GET /metrics needs the scrape token: Authorization: Bearer <METRICS_TOKEN>.', {
        realm: 'flowlab-metrics',
      });
    }
    const { contentType, body } = await metrics.expose(c.req.header('Accept'));
    return c.body(body, 200, { 'Content-Type': contentType });
  });
  // The fault switches exist only in lab mode, and only for the admin.
  if (config.LAB_MODE) {
    app.use('/lab/*', admin);
    app.route('/lab', labRoutes({ faults, logger }));
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The accessToken from POST /auth/login',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Flowlab API',
      version: API_VERSION,
      description:
        'The todo API at the centre of Flowlab, an observability lab. Every error is application/problem+json (RFC 9457); its `type` is a path under /problems that says what it means.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    // Relative: the API is wherever this document was fetched from, on any host or port.
    servers: [{ url: '/', description: 'The server that serves this document' }],
    // The lab's section only where its routes exist.
    tags: openApiTags.filter((tag) => tag.name !== 'lab' || config.LAB_MODE),
  });
  // The web client's spans join the API's in the recent-traces store (lab only), and the client
  // reads where to send them from /app/config.json (before the static /app/ so it is not a file).
  const production = config.NODE_ENV === 'production';
  app.route(
    '/otlp',
    browserSpanRoutes({
      traces: recentTraces,
      production,
      limiter: rateLimiter({ limit: BROWSER_SPAN_REQUESTS_PER_MINUTE, windowSeconds: 60 }),
      trustProxy: config.TRUST_PROXY,
    }),
  );
  const [docsSite] = defaultSites({ docs: config.DOCS_DIST_DIR, web: config.WEB_DIST_DIR });
  app.route(
    '/',
    webConfigRoutes({
      collectorEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
      browserCollectorEndpoint: config.WEB_OTLP_ENDPOINT,
      jaegerUrl: config.WEB_JAEGER_URL,
      receiverEnabled: () => !production && recentTraces.enabled,
      docsRoot: docsSite?.root ?? '',
    }),
  );
  const sites = mountSites(app, defaultSites({ docs: config.DOCS_DIST_DIR, web: config.WEB_DIST_DIR }));
  mountApiReference(app, { openapiUrl: '/openapi.json', pageTitle: 'Flowlab API reference' });
  app.get('/', (c) =>
    c.json({
      name: 'Flowlab API',
      version: API_VERSION,
      database: database.kind,
      links: {
        reference: '/reference',
        openapi: '/openapi.json',
        health: '/healthz',
        ready: '/readyz',
        ...Object.fromEntries(sites.map((site) => [site.mount === '/learn/' ? 'walkthrough' : 'web', site.mount])),
      },
    }),
  );

  return api;
}

export type App = ReturnType<typeof createApp>;
