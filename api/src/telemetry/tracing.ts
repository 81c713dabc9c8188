/**
 * Manual spans for the steps no library sees (authenticate, validate, rate limit, cache,
 * outbox, circuit breaker, Neo4j). Each step is one call: step(name, attributes, work).
 * With telemetry off, the API's tracer is a no-op and a step is just a function call.
 */
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { ProblemError } from '../errors/problem.ts';
import { API_VERSION } from '../version.ts';
import { ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_OTHER, FLOWLAB_PROBLEM_TYPE } from './attributes.ts';
import { withoutValues } from './error-without-values.ts';

export const tracer = trace.getTracer('flowlab-api', API_VERSION);

/**
 * Records an error where it happened. A problem the client caused (a 4xx) is not a server
 * error: it is noted on the span, whose status stays unset.
 */
export function recordError(span: Span, error: unknown): void {
  if (error instanceof ProblemError && error.status < 500) {
    span.setAttribute(FLOWLAB_PROBLEM_TYPE, error.slug);
    return;
  }
  // Never a query's values (an email, a password hash) inside the message: error-without-values.ts.
  const safe = withoutValues(error);
  span.recordException(safe);
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: safe.message });
}

/**
 * error.type: a class of error, few enough to group by. A code when the error has one
 * (ECONNREFUSED, EOPENBREAKER, a PostgreSQL SQLSTATE, a Neo4j status), else its class name.
 */
export function errorType(error: unknown): string {
  const { code, name, cause } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    cause?: { code?: unknown; name?: unknown };
  };
  // drizzle wraps the driver's error: the SQLSTATE (or a lab fault's class) is on its cause.
  for (const candidate of [code, cause?.code]) {
    if (typeof candidate === 'string' && /^[\w.-]{1,80}$/.test(candidate)) return candidate;
  }
  for (const candidate of [name, cause?.name]) {
    if (typeof candidate === 'string' && candidate && candidate !== 'Error') return candidate;
  }
  return ERROR_TYPE_VALUE_OTHER;
}

/**
 * The context a request the sampler left out runs in: tracing suppressed, and no span in it, so
 * the pg and ioredis instrumentations (requireParentSpan) skip their wrapping altogether and the
 * steps make no spans. Its one log line is written outside it and keeps its trace id; other lines
 * inside it have none (there is no trace to lead to).
 */
export function unsampledRequestContext(parent: Context): Context {
  return trace.deleteSpan(suppressTracing(parent));
}

/** Runs work without tracing it: start-up chores and probes would otherwise make traces of their own. */
export function untraced<T>(work: () => Promise<T>): Promise<T> {
  return context.with(suppressTracing(context.active()), work);
}

export function step<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { kind?: SpanKind } = {},
): Promise<T> {
  // In a request the sampler left out (or untraced work), a span would record nothing: the step
  // runs without making one, or switching the async context for it.
  const active = context.active();
  if (isTracingSuppressed(active)) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  const parent = trace.getSpan(active);
  if (parent && !parent.isRecording()) return work(parent);
  return tracer.startActiveSpan(name, { attributes, kind: options.kind ?? SpanKind.INTERNAL }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
