/**
 * OpenTelemetry start-up, loaded before anything else: `node --import ./src/telemetry/instrumentation.ts`.
 *
 * - ESM: the import-in-the-middle hook is registered first, so the ESM imports of ioredis and
 *   pino are instrumented too (without it, ESM instrumentation silently does nothing; the
 *   telemetry tests prove the ioredis spans appear).
 * - Identity comes from the standard variables: OTEL_SERVICE_NAME (default flowlab-api),
 *   OTEL_RESOURCE_ATTRIBUTES. Sampling from OTEL_TRACES_SAMPLER when set; by default parent-based,
 *   every new trace, or up to TRACES_PER_SECOND a second when that is set (sampler.ts).
 * - Spans go to OTLP over HTTP (protobuf) only when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces
 *   one) is set: with no endpoint nothing is exported, so nothing errors or retries.
 * - They always go to the recent-traces store (GET /debug/traces) and the Server-Timing sums.
 * - Logs: each pino line (logger.ts) still goes to stdout, and also becomes an OpenTelemetry log
 *   record with the trace id and span id of the span that wrote it: the pino instrumentation's
 *   log sending (a second stream beside stdout, in this process). Chosen over the pino transport
 *   (pino-opentelemetry-transport) because that one runs a worker thread with an SDK of its own:
 *   more memory, its own export settings, and no way to feed the recent-logs store of this
 *   process. Both keep redaction, since both read the line pino has already redacted.
 *   The records go to the recent-logs store, and to OTLP (protobuf, /v1/logs) beside the spans
 *   when an endpoint is set. With neither, no record is made at all.
 * - OTEL_SDK_DISABLED=true turns all of it off.
 * - The SDK's pieces are put together here (a tracer provider, a logger provider, two
 *   instrumentations) rather than by @opentelemetry/sdk-node: that one loads every exporter, gRPC
 *   and protobufjs, and its own copy of the pieces, for about 33 MiB of memory and 18 MB of install
 *   the lab never uses (bench/README.md, "Lean"). The SERVER span of a request is the app's own
 *   (server-spans.ts), not @opentelemetry/instrumentation-http's, and so is each PostgreSQL
 *   statement's CLIENT span (db/pg-tracing.ts), not @opentelemetry/instrumentation-pg's: the
 *   same spans, for a fraction of their CPU.
 *
 * This module is the one place outside config.ts that reads the environment: it must run
 * before the app, and so before the config is parsed. The OTEL_* variables are the SDK's own;
 * RECENT_TRACES_* and TRACES_PER_SECOND go through config.ts's schema (telemetrySettings).
 */
import { register } from 'node:module';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { ConfigError, telemetrySettings } from '../config.ts';
import { API_VERSION } from '../version.ts';
import { dependencySpans } from './dependency-spans.ts';
import { onTelemetryShutdown } from './lifecycle.ts';
import { recentLogs } from './recent-logs.ts';
import { recentTraces } from './recent-traces.ts';
import { labSampler } from './sampler.ts';
import { serverSpans } from './server-spans.ts';
import { serverTimings } from './server-timing.ts';

const env = process.env;

function settingsOrExit() {
  try {
    return telemetrySettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The same message and exit code as the server's own check of the configuration.
    console.error(error.message);
    process.exit(1);
  }
}

if (env.OTEL_SDK_DISABLED !== 'true') {
  // Only the modules an instrumentation asks for are wrapped (ioredis, pino): wrapping
  // every ESM module would put a getter in front of every imported function the app calls.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  // The recent-traces view is on in the lab and off in production unless asked for; its bounds
  // are parsed by config.ts's own schema, so a bad value stops here naming the variable.
  const settings = settingsOrExit();
  recentTraces.configure(settings.recentTraces);
  recentLogs.configure(settings.recentLogs);

  const spanProcessors: SpanProcessor[] = [serverTimings, dependencySpans, recentTraces];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  const logRecordProcessors: LogRecordProcessor[] = recentLogs.enabled() ? [recentLogs] : [];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) {
    // Batched like the spans: at most 2,048 records wait, then new ones are dropped, never the app slowed.
    logRecordProcessors.push(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() }));
  }

  // The SDK's own (telemetry.sdk.*), then the lab's, then what is detected: OTEL_SERVICE_NAME and
  // OTEL_RESOURCE_ATTRIBUTES (envDetector) win over the defaults, as they do in sdk-node.
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: 'flowlab-api',
        [ATTR_SERVICE_VERSION]: API_VERSION,
        'deployment.environment.name': env.NODE_ENV ?? 'development',
      }),
    )
    .merge(detectResources({ detectors: [processDetector, hostDetector, envDetector] }));

  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors,
    // OTEL_TRACES_SAMPLER, when set, is the SDK's to read; else every request, or at most
    // TRACES_PER_SECOND new traces a second when that is set (telemetry/sampler.ts).
    ...(!env.OTEL_TRACES_SAMPLER && { sampler: labSampler(settings.tracesPerSecond) }),
  });
  // The global tracer provider, AsyncLocalStorage for the active span, W3C traceparent and baggage.
  tracerProvider.register();
  serverSpans.enable();
  // Metrics are served by prom-client at /metrics: no meter provider, so the instrumentations'
  // own metrics go to the API's no-op meter and cost nothing.
  const loggerProvider =
    logRecordProcessors.length > 0 ? new LoggerProvider({ resource, processors: logRecordProcessors }) : undefined;
  if (loggerProvider) logs.setGlobalLoggerProvider(loggerProvider);

  registerInstrumentations({
    tracerProvider,
    ...(loggerProvider && { loggerProvider }),
    // Only the libraries the API calls are instrumented (not the 40-odd of the auto-instrumentation
    // bundle): each one loaded wraps its module and costs memory and start-up time even if unused.
    // No http instrumentation: the request observer makes the SERVER span (server-spans.ts); no pg
    // one: the pool's client makes each statement's CLIENT span (db/pg-tracing.ts), as PGlite's does.
    instrumentations: [
      // Redis commands would otherwise carry their values (cached todos) in db.statement.
      // Calls outside any request (start-up checks) make no orphan traces.
      // Named by the command, as the semantic conventions name Redis spans (`GET`, `EVALSHA`), not
      // ioredis's lower case; db.system.name=redis says which database it is.
      new IORedisInstrumentation({
        dbStatementSerializer: (command) => command,
        requireParentSpan: true,
        requestHook: (span, { cmdName }) => span.updateName(cmdName.toUpperCase()),
      }),
      // Log sending only: the logger adds trace_id and span_id to its lines itself (logger.ts), in plain sight.
      // OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino turns it off (bench/log-sending.ts compares the two), as it
      // did when the auto-instrumentation bundle read that variable.
      new PinoInstrumentation({
        enabled:
          logRecordProcessors.length > 0 &&
          !(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS ?? '')
            .split(',')
            .map((name) => name.trim())
            .includes('pino'),
        disableLogCorrelation: true,
      }),
    ],
  });
  await waitForAllMessagesAcknowledged();
  // The server flushes the buffered spans and records on its way out (graceful shutdown).
  onTelemetryShutdown(async () => {
    await Promise.all([tracerProvider.shutdown(), loggerProvider?.shutdown()]);
  });
}
