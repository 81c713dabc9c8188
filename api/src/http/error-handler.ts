/**
 * The one place that turns errors into responses: every failure leaves the API
 * as application/problem+json (RFC 9457), with the request id, and without stack
 * traces or SQL. Unexpected errors are logged in full under the same request id.
 */

import { trace } from '@opentelemetry/api';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ProblemError, type ProblemSlug, toProblemBody } from '../errors/problem.ts';
import { recordError } from '../telemetry/tracing.ts';
import type { HonoEnv } from './env.ts';

/** Problems raised by Hono itself (its validator, its body parser) mapped onto ours. */
const slugForHttpStatus: Record<number, ProblemSlug> = {
  400: 'malformed-json',
  401: 'invalid-token',
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'validation-failed',
  429: 'rate-limited',
  503: 'dependency-unavailable',
};

export function problemResponse(c: Context<HonoEnv>, problem: ProblemError): Response {
  const body = toProblemBody(problem, {
    instance: c.req.path,
    requestId: c.get('requestId') ?? 'unknown',
  });
  return c.body(JSON.stringify(body), problem.status as 400, {
    ...problem.headers,
    'Content-Type': 'application/problem+json',
  });
}

function toProblem(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException) {
    const slug = slugForHttpStatus[error.status];
    // Hono's own messages are terse ("Unsupported Media Type"); our catalogue says what to do.
    if (slug) return new ProblemError(slug, { cause: error });
  }
  return undefined;
}

export function createErrorHandler(logger: Logger): ErrorHandler<HonoEnv> {
  return function errorHandler(error, c) {
    const problem = toProblem(error);
    if (problem) return problemResponse(c, problem);
    // Recorded on the request's span, where it happened; the response itself stays terse.
    const span = trace.getActiveSpan();
    if (span) recordError(span, error);
    logger.error(
      { err: error, requestId: c.get('requestId'), method: c.req.method, path: c.req.path },
      'unexpected error',
    );
    return problemResponse(
      c,
      new ProblemError('internal-error', {
        detail: `An unexpected error occurred. Quote request id ${c.get('requestId')} when reporting it.`,
      }),
    );
  };
}
