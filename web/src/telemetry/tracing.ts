/**
 * OpenTelemetry in the browser: a web tracer provider with the fetch and document-load
 * instrumentations, and `userAction`, which makes one span per thing a person does ("todo add").
 *
 * Why no zone.js: a span's context has to reach the fetch it causes. The fetch instrumentation reads
 * the active context at the moment fetch() is called, synchronously, so the API client calls fetch
 * inside `context.with(action.context, ...)` and the default StackContextManager is enough. Nothing
 * here needs the context to survive an `await` by itself, which is the one thing zone.js would add.
 */
import { type Attributes, type Context, context, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { ApiError } from '../api/errors.ts';
import type { WebConfig } from '../config.ts';
import { RedactingSpanProcessor } from './redact.ts';

export const SERVICE_NAME = 'flowlab-web';

export interface Action {
  name: string;
  /** The context to make the action's fetches in: their spans become children of the action span. */
  context: Context;
  traceId: string;
}

export interface ActionRecord {
  name: string;
  traceId: string;
  ok: boolean;
  /** The error's kind when it failed (validation, duplicate, network ...). */
  error?: string;
  at: number;
}

const tracer = () => trace.getTracer(SERVICE_NAME);
const listeners = new Set<(record: ActionRecord) => void>();
let provider: WebTracerProvider | undefined;

/**
 * The API's own receiver (POST /otlp/v1/traces) keeps a browser's spans only in its user's traces,
 * so the spans go with the user's token; signed out, they are dropped here rather than refused
 * there. A collector gets no token: it is another service, and the token is not its business.
 */
class UserSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly token: () => string | null,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.token()) this.inner.export(spans, done);
    else done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Whether spans go to the API's own receiver (same origin as the API, its /otlp/v1/traces path). */
function isApiReceiver(exportUrl: string, apiBase: string): boolean {
  const url = new URL(exportUrl);
  return (
    url.origin === new URL(apiBase || location.href, location.href).origin && url.pathname.endsWith('/otlp/v1/traces')
  );
}

/**
 * Called once at start-up with the runtime config: where spans go, if anywhere. `token` is the
 * signed-in user's access token, read at each export.
 */
export function startTracing(config: WebConfig, token: () => string | null = () => null): void {
  if (provider) return;
  const exportUrl = config.traces.exportUrl ? new URL(config.traces.exportUrl, location.href).href : undefined;
  const exporter = (url: string): SpanExporter => {
    if (!isApiReceiver(url, config.apiBase)) return new OTLPTraceExporter({ url });
    return new UserSpanExporter(
      new OTLPTraceExporter({ url, headers: async () => ({ Authorization: `Bearer ${token() ?? ''}` }) }),
      token,
    );
  };
  provider = new WebTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': __FLOWLAB_VERSION__ }),
    // Short delay: a learner clicks, then opens the trace view; the spans should be there by then.
    // The redactor first: processors run in order, so the exporter gets the redacted attributes.
    spanProcessors: exportUrl
      ? [
          new RedactingSpanProcessor(),
          new BatchSpanProcessor(exporter(exportUrl), {
            scheduledDelayMillis: 300,
            maxExportBatchSize: 50,
          }),
        ]
      : [],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new DocumentLoadInstrumentation(),
      new FetchInstrumentation({
        // The exporter's own requests are not part of anyone's action.
        ignoreUrls: exportUrl ? [exportUrl] : [],
        // Same-origin calls get traceparent anyway; this covers an API on another origin (dev setups).
        propagateTraceHeaderCorsUrls: config.apiBase ? [new URL(config.apiBase).origin] : [],
        clearTimingResources: true,
      }),
    ],
  });
  // A tab that closes or hides still sends what it has.
  addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void provider?.forceFlush();
  });
}

/** Each finished action, for the page's "recent actions" list with its trace links. */
export function onAction(listener: (record: ActionRecord) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Runs one user action as one span: `run` gets the action, whose context its fetches are made in.
 * The span ends when `run` settles, in error (with `error.type`) when it throws.
 */
export async function userAction<T>(
  name: string,
  run: (action: Action) => Promise<T>,
  attributes: Attributes = {},
): Promise<T> {
  const span = tracer().startSpan(name, { attributes: { 'flowlab.ui.action': name, ...attributes } });
  const action: Action = { name, context: trace.setSpan(context.active(), span), traceId: span.spanContext().traceId };
  const record = (ok: boolean, error?: string) => {
    for (const listener of listeners) listener({ name, traceId: action.traceId, ok, error, at: Date.now() });
  };
  try {
    const result = await run(action);
    record(true);
    return result;
  } catch (error) {
    const kind = error instanceof ApiError ? error.kind : 'page-error';
    span.setAttribute('error.type', kind);
    span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
    record(false, kind);
    throw error;
  } finally {
    span.end();
  }
}
