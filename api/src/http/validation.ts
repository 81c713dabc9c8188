/**
 * Request validation failures become one 422 problem listing every field at fault.
 * Used as the defaultHook of every OpenAPIHono router, so no route can forget it.
 */
import type { Hook } from '@hono/zod-openapi';
import type { z } from 'zod';
import { type FieldError, ProblemError } from '../errors/problem.ts';
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

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routers of every shape.
export const validationHook: Hook<any, any, any, any> = (result) => {
  // Validation runs inside the route; its span marks the step and its outcome for each part checked.
  tracer
    .startSpan('validate request', {
      attributes: {
        'flowlab.validation.target': result.target,
        'flowlab.validation.valid': result.success,
        ...(!result.success && { 'flowlab.validation.error_count': result.error.issues.length }),
      },
    })
    .end();
  if (!result.success) {
    const errors = toFieldErrors(result.error.issues, result.target);
    throw new ProblemError('validation-failed', {
      detail: `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${errors.map((e) => e.path).join(', ')}`,
      errors,
    });
  }
};
