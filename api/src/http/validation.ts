/**
 * Request validation failures become one 422 problem listing every field at fault.
 * Used as the defaultHook of every OpenAPIHono router, so no route can forget it; with
 * validationStarts (put before the validators by defineRoute, http/access.ts) it times the step
 * as the `validate request` span.
 */
import type { Hook, RouteConfig } from '@hono/zod-openapi';
import type { Span } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { type FieldError, ProblemError } from '../errors/problem.ts';
import {
  FLOWLAB_VALIDATION_ERROR_COUNT,
  FLOWLAB_VALIDATION_TARGET,
  FLOWLAB_VALIDATION_VALID,
} from '../telemetry/attributes.ts';
import { tracer } from '../telemetry/tracing.ts';

/** Body fields are named as they are ("title"); other locations get a prefix ("query.limit"). */
const locationPrefix: Record<string, string> = {
  json: '',
  query: 'query.',
  param: 'params.',
  header: 'headers.',
};

export function toFieldErrors(issues: z.core.$ZodIssue[], target: string): FieldError[] {
  const prefix = locationPrefix[target] ?? `${target}.`;
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: `${prefix}${base ? `${base}.` : ''}${key}`,
        message: 'is not a known field',
      }));
    }
    return [{ path: `${prefix}${base}` || prefix.replace(/\.$/, '') || '(body)', message: issue.message }];
  });
}

/** A request's validation in flight: its span, and the parts checked so far. */
interface Checking {
  span: Span;
  targets: string[];
  /** How many parts the route's validators check for this request. */
  expected: number;
}

const checking = new WeakMap<Context, Checking>();

/**
 * Ends the `validate request` span once validation is over. It was started when the first part
 * began (reading and parsing the body included), so its duration is the real work, not the
 * instant after it. One span per request, however many parts the route reads.
 */
function validationEnded(c: Context, outcome: { valid: boolean; errorCount?: number }): void {
  const state = checking.get(c);
  if (!state) return;
  checking.delete(c);
  state.span.setAttributes({
    [FLOWLAB_VALIDATION_TARGET]: state.targets.join(','),
    [FLOWLAB_VALIDATION_VALID]: outcome.valid,
    ...(outcome.errorCount !== undefined && { [FLOWLAB_VALIDATION_ERROR_COUNT]: outcome.errorCount }),
  });
  state.span.end();
}

type RequestParts = RouteConfig['request'];

/**
 * How many of the route's validators will hand a result to the hook for this request, as
 * @hono/zod-openapi builds them: one per part (query, params, headers, cookies), one per JSON or
 * form body, an optional body's only when the request's Content-Type is of its kind.
 */
function partsToCheck(request: RequestParts, contentType: string | undefined): number {
  let parts = [request?.query, request?.params, request?.headers, request?.cookies].filter(Boolean).length;
  for (const mediaType of Object.keys(request?.body?.content ?? {})) {
    const kind = /json/i.test(mediaType) ? 'json' : /form/i.test(mediaType) ? 'form' : undefined;
    if (!kind) continue;
    if (request?.body?.required || new RegExp(kind, 'i').test(contentType ?? '')) parts += 1;
  }
  return parts;
}

/**
 * Runs just before a route's validators (defineRoute puts it there, after the access check): starts
 * the span, which the hook ends once the last part is checked. A part that is refused before the
 * hook sees it (JSON that does not parse: 400; not JSON at all: 415) ends the span here, once the
 * error handler has answered.
 */
export function validationStarts(request: RequestParts): MiddlewareHandler {
  return async function validationStarts(c, next) {
    const expected = partsToCheck(request, c.req.header('Content-Type'));
    // Not the active span: nothing runs under it, and the handler's steps are its siblings.
    checking.set(c, { span: tracer.startSpan('validate request'), targets: [], expected });
    await next();
    validationEnded(c, { valid: false });
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routers of every shape.
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  // Called by each part's validator once zod has parsed it; the first failure ends the step.
  const state = checking.get(c);
  state?.targets.push(result.target);
  if (result.success) {
    // Past the last part, every one was valid: the step is over before the handler starts.
    if (state && state.targets.length >= state.expected) validationEnded(c, { valid: true });
    return;
  }
  validationEnded(c, { valid: false, errorCount: result.error.issues.length });
  const errors = toFieldErrors(result.error.issues, result.target);
  throw new ProblemError('validation-failed', {
    detail: `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${errors.map((e) => e.path).join(', ')}`,
    errors,
  });
};
