/**
 * Configuration: the environment, parsed and validated once at start-up; everything receives a
 * Config. One other module reads process.env: the instrumentation (telemetry/instrumentation.ts),
 * which must run before the app and so before this parse. It reads the OpenTelemetry SDK's own
 * OTEL_* variables (the SDK parses those itself) and RECENT_TRACES_* and TRACES_PER_SECOND, which
 * it parses with telemetrySettings() below: the same schema, so a bad value stops start-up the same way.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The development secret. The API refuses to start with it outside development. */
export const DEFAULT_JWT_SECRET = 'flowlab-development-secret-change-me-0123456789';

/** The docs' (Astro) and the web client's (Vite) dev servers, allowed by CORS in development. */
export const DEV_SERVER_ORIGINS = ['4321', '5173'].flatMap((port) => [
  `http://localhost:${port}`,
  `http://127.0.0.1:${port}`,
]);

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/**
 * The recent-traces store behind GET /debug/traces: at most this many traces, spans and bytes.
 * RECENT_TRACES_MAX unset means 200 in the lab and 0 (off) in production.
 */
const telemetryShape = {
  // New traces sampled per second when OTEL_TRACES_SAMPLER is unset (telemetry/sampler.ts); 0, the default, traces
  // every request. Off by default because the dependency metrics are made from spans: with a cap, a load test's
  // database and Redis calls past it would go uncounted on the dashboards the lab teaches with.
  TRACES_PER_SECOND: z.coerce.number().int().min(0).max(1_000_000).default(0),
  RECENT_TRACES_MAX: z.coerce.number().int().min(0).max(100_000).optional(),
  RECENT_TRACES_MAX_SPANS: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  RECENT_TRACES_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(16 * 1024 * 1024),
  // The recent-logs store beside it (telemetry/recent-logs.ts): on whenever the recent traces are.
  RECENT_LOGS_MAX: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  RECENT_LOGS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(4 * 1024 * 1024),
};

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // Loopback by default: a lab on a shared network should not publish its traces. A container sets 0.0.0.0.
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // PostgreSQL. When unset, the API runs on the embedded default: PGlite.
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // Where PGlite keeps its data; "memory://" keeps nothing between runs.
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEFAULT_JWT_SECRET),
  JWT_ISSUER: z.string().min(1).default('flowlab'),
  JWT_AUDIENCE: z.string().min(1).default('flowlab-api'),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  // log2 of scrypt's cost N. 15 with p=3 is one of OWASP's recommended scrypt settings.
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),

  // The create rate limit: this many todos per user per window.
  TODO_CREATE_LIMIT: z.coerce.number().int().min(1).default(10),
  TODO_CREATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8000),
  // The HTTP server's limits: a client that sends nothing, or too slowly, is cut off (http/server-limits.ts).
  SERVER_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SERVER_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  SERVER_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  SERVER_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1000),

  // Neo4j, the graph. When unset, the graph features answer 503 and the outbox keeps the events.
  NEO4J_URI: z.url({ protocol: /^(bolt|neo4j)(\+s|\+ssc)?$/ }).optional(),
  NEO4J_USER: z.string().min(1).default('neo4j'),
  NEO4J_PASSWORD: z.string().optional(),
  // A Neo4j call slower than this counts as a failure for the circuit breaker.
  GRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1000),
  BREAKER_RESET_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
  BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  // The outbox worker runs inside the API when a graph is configured (and alone with `npm run worker`).
  OUTBOX_WORKER: flag.default(true),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).default(24),

  // Redis, the cache and the rate limits. When unset, both live in process memory.
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z.string().default('flowlab:'),
  CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  CACHE_MAX_ENTRIES: z.coerce.number().int().min(100).default(10_000),
  // The in-process cache (without Redis), in bytes of heap: in all, and for one user's entries.
  CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(32 * 1024 * 1024),
  CACHE_MAX_BYTES_PER_USER: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .default(2 * 1024 * 1024),
  // The per-IP limit on /auth/*, against credential stuffing.
  AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  AUTH_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  // Take the client address from X-Forwarded-For (only behind a proxy you trust).
  TRUST_PROXY: flag.default(false),

  // Origins allowed to call the API from a browser, comma-separated. The lab's pages are served
  // by the API itself (/learn/, /app/) and need none; the default in development lets the docs'
  // and the web client's dev servers (Astro :4321, Vite :5173) call it. Unset elsewhere: none.
  CORS_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ })))
    .optional(),
  // Where the built walkthrough (docs/dist) and web client (web/dist) are; the defaults are the
  // repository's own folders. A site whose folder holds no index.html is not served.
  DOCS_DIST_DIR: z.string().min(1).optional(),
  WEB_DIST_DIR: z.string().min(1).optional(),

  // The web client's trace export, served to it as /app/config.json. With a collector
  // (OTEL_EXPORTER_OTLP_ENDPOINT, also read by the SDK) the browser sends its spans to
  // WEB_OTLP_ENDPOINT, by default the same address (right when the browser and the API share a
  // host; in Docker it is the collector's published port), and links traces to WEB_JAEGER_URL, Jaeger's
  // own UI where there is one (Docker Compose; the native Jaeger has none, so unset: no link).
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  WEB_OTLP_ENDPOINT: z.url().optional(),
  WEB_JAEGER_URL: z.url().optional(),
  // Jaeger's query API, read by /debug/jaeger/* for the docs' trace viewer (natively
  // http://127.0.0.1:16686; in Docker http://jaeger:16686). Unset: those routes answer 503.
  JAEGER_QUERY_URL: z.url({ protocol: /^https?$/ }).optional(),
  JAEGER_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // VictoriaLogs, read by GET /debug/logs (LogsQL) once a line has left the recent-logs store
  // (natively http://127.0.0.1:9428; in Docker http://victorialogs:9428). Unset: the store only.
  VICTORIALOGS_URL: z.url({ protocol: /^https?$/ }).optional(),
  VICTORIALOGS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  VICTORIALOGS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  // The largest answer read from Jaeger: a search of many long traces is refused, not buffered.
  JAEGER_QUERY_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(256 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  // Where a browser opens Prometheus's graph page: the docs' dashboard pages link each panel there.
  WEB_PROMETHEUS_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9090'),
  // The service name in the API's spans (also read by the OpenTelemetry SDK): a user's Jaeger search
  // looks for their enduser.id in this service's spans.
  OTEL_SERVICE_NAME: z.string().min(1).default('flowlab-api'),

  // Admin endpoints (dead letters, accounts, the full trace list) need this bearer token; the lab's
  // fault switches also need LAB_MODE. In development an unset token is generated at each start.
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // When set, GET /metrics needs Authorization: Bearer <METRICS_TOKEN> (Prometheus: authorization.credentials).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // The fault switches: on by default in development, off elsewhere.
  LAB_MODE: flag.optional(),
  // LAB_MODE with NODE_ENV=production is refused unless this says it is meant.
  LAB_MODE_IN_PRODUCTION: flag.default(false),
  // Apply pending migrations when the API starts (the default), or leave it to `npm run db:migrate`.
  MIGRATE_ON_START: flag.default(true),
  ...telemetryShape,
});

export interface RecentTracesLimits {
  maxTraces: number;
  maxSpans: number;
  maxBytes: number;
}

export type Config = Omit<z.infer<typeof configSchema>, 'LAB_MODE'> & {
  LAB_MODE: boolean;
  /** True when ADMIN_TOKEN was generated at this start (development only): the banner prints it. */
  ADMIN_TOKEN_GENERATED: boolean;
};

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

type Environment = Record<string, string | undefined>;

function parse<T extends z.ZodType>(schema: T, env: Environment): z.infer<T> {
  // An empty variable means "not set", as in most shells' `FOO= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

const telemetrySchema = z.object({ NODE_ENV: configSchema.shape.NODE_ENV, ...telemetryShape });

export interface TelemetrySettings {
  recentTraces: RecentTracesLimits;
  recentLogs: { maxLines: number; maxBytes: number };
  tracesPerSecond: number;
}

/**
 * The variables the instrumentation module needs, parsed with this file's schema: it runs
 * before the config is loaded. Throws a ConfigError naming each bad variable.
 */
export function telemetrySettings(env: Environment = process.env): TelemetrySettings {
  const parsed = parse(telemetrySchema, env);
  const maxTraces = parsed.RECENT_TRACES_MAX ?? (parsed.NODE_ENV === 'production' ? 0 : 200);
  return {
    recentTraces: {
      maxTraces,
      maxSpans: parsed.RECENT_TRACES_MAX_SPANS,
      maxBytes: parsed.RECENT_TRACES_MAX_BYTES,
    },
    recentLogs: {
      // Off with the recent traces (production's default): the two views go together.
      maxLines: maxTraces > 0 ? parsed.RECENT_LOGS_MAX : 0,
      maxBytes: parsed.RECENT_LOGS_MAX_BYTES,
    },
    tracesPerSecond: parsed.TRACES_PER_SECOND,
  };
}

/** Parses the environment; throws a ConfigError that names every bad variable. */
export function loadConfig(env: Environment = process.env): Config {
  const parsed = parse(configSchema, env);
  const development = parsed.NODE_ENV === 'development';
  const generate = development && !parsed.ADMIN_TOKEN;
  const config: Config = {
    ...parsed,
    LAB_MODE: parsed.LAB_MODE ?? development,
    ADMIN_TOKEN: generate ? randomBytes(24).toString('base64url') : parsed.ADMIN_TOKEN,
    ADMIN_TOKEN_GENERATED: generate,
  };
  config.CORS_ORIGINS ??= development ? DEV_SERVER_ORIGINS : [];
  if (!development && config.JWT_SECRET === DEFAULT_JWT_SECRET) {
    throw new ConfigError([
      `JWT_SECRET: the development default is refused when NODE_ENV=${config.NODE_ENV}; set a secret of at least 32 characters`,
    ]);
  }
  if (config.NODE_ENV === 'production' && config.LAB_MODE && !config.LAB_MODE_IN_PRODUCTION) {
    throw new ConfigError([
      'LAB_MODE: the fault switches are refused when NODE_ENV=production; set LAB_MODE_IN_PRODUCTION=1 if you mean it',
    ]);
  }
  return config;
}

/** For the entry points: the config, or a message naming each bad variable and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
