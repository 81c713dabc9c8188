/**
 * Structured logs: pino, one JSON object per line on stdout.
 * Secrets never reach a log line: the redaction list below is applied to every line.
 */
import { trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';
import { withoutValues } from './error-without-values.ts';

export const redactedPaths = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  'JWT_SECRET',
  '*.JWT_SECRET',
  'ADMIN_TOKEN',
  '*.ADMIN_TOKEN',
  'METRICS_TOKEN',
  '*.METRICS_TOKEN',
];

export function createLogger(options: { level: string; name?: string }, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: options.name ?? 'flowlab-api',
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      // Redaction by key cannot reach inside an error's message: a failed query's values go here.
      serializers: {
        err: (error: unknown) => pino.stdSerializers.err(withoutValues(error)),
        error: (error: unknown) => pino.stdSerializers.err(withoutValues(error)),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Every line written inside a traced request carries its trace: from a log line to its trace.
      mixin() {
        const context = trace.getActiveSpan()?.spanContext();
        return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
      },
    },
    destination,
  );
}

export type { Logger };
