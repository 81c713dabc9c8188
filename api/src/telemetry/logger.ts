/**
 * Structured logs: pino, one JSON object per line on stdout.
 * Secrets never reach a log line: the redaction list below is applied to every line whose
 * fields are not fixed in advance (the one line per request is: requestLineLogger).
 *
 * Written without blocking: stdout is an asynchronous SonicBoom (what pino does by default,
 * chosen here on purpose): a line is queued and written by the event loop, and a line that
 * comes while a write is in flight joins the next one; pino flushes what is queued on exit.
 * It blocks the loop least, and buffering lines (minLength) gained nothing, so it is not used: it
 * would only delay a learner's log line. Figures: bench/README.md, "Log lines".
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

/**
 * On a terminal in development, lines are printed for people (pino-pretty, in pino's worker
 * thread, so the formatting costs the API nothing); anywhere else (a pipe, a file, a collector,
 * production) they stay one JSON object a line: `npm start 2>&1 | tee api.log` saves JSON.
 */
export function prettyLogs(env: { NODE_ENV: string }, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdout.isTTY === true && env.NODE_ENV !== 'production';
}

function prettyDestination(): pino.DestinationStream {
  return pino.transport({
    target: 'pino-pretty',
    // One line an entry, as in JSON: a grep for a trace id shows the whole line, span_id included.
    options: { destination: 1, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' },
  });
}

export function createLogger(
  options: { level: string; name?: string; pretty?: boolean },
  destination?: pino.DestinationStream,
): Logger {
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
    destination ?? (options.pretty ? prettyDestination() : pino.destination({ dest: 1, sync: false })),
  );
}

/**
 * The logger for the one line per request (http/request-observer.ts): its fields are fixed
 * (method, route, path, status, duration, request id, user id) and never a secret, so it skips
 * the redaction pass, which is most of a line's cost (the wildcard paths make pino look at every
 * key; figures: bench/README.md, "Log lines"). It inherits the rest:
 * level, mixin (trace_id, span_id), serializers, stream.
 */
export function requestLineLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}

export type { Logger };
