/**
 * Every way a call can fail, as one typed error. The API's problem+json `type` decides the kind;
 * `userMessage` says it the way a person should read it (the seed's "error handling" layer).
 */
import { isProblem, type Problem } from './guards.ts';

export type ApiErrorKind =
  | 'validation' // 422: field messages go under their fields
  | 'duplicate' // 409: the title (or name, or email) is taken
  | 'rate-limited' // 429: wait `retryAfterSeconds`
  | 'unauthorized' // 401: back to the login form
  | 'bad-credentials' // 401 on login
  | 'inactive' // 403: the account is deactivated
  | 'not-found' // 404
  | 'graph-unavailable' // 503 from Neo4j: the graph is off or down
  | 'server' // 5xx: quote the requestId
  | 'refused' // any other 4xx
  | 'network' // no answer at all
  | 'invalid-response'; // an answer whose body fails its guard

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly problem?: Problem;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  /** Field path -> message, from a 422's `errors`. */
  readonly fieldErrors: Record<string, string>;

  constructor(
    kind: ApiErrorKind,
    message: string,
    details: { status?: number; problem?: Problem; requestId?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = details.status;
    this.problem = details.problem;
    this.requestId = details.requestId ?? details.problem?.requestId;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.fieldErrors = Object.fromEntries((details.problem?.errors ?? []).map((e) => [e.path, e.message]));
  }
}

const slugOf = (problem: Problem | undefined) => problem?.type.split('/').pop() ?? '';

/** Retry-After is seconds (or an HTTP date); anything unreadable falls back to one minute. */
export function parseRetryAfter(header: string | null, now = Date.now()): number {
  if (header === null) return 60;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 60 : Math.max(0, Math.ceil((date - now) / 1000));
}

/** An error response (status >= 400) into its ApiError; `body` is the parsed JSON, or undefined. */
export function errorFromResponse(
  status: number,
  body: unknown,
  headers: { get(name: string): string | null },
): ApiError {
  const problem = isProblem(body) ? body : undefined;
  const requestId = problem?.requestId ?? headers.get('X-Request-ID') ?? undefined;
  const details = { status, problem, requestId };
  const slug = slugOf(problem);
  const detail = problem?.detail ?? problem?.title ?? `The API answered ${status}.`;
  if (status === 422 || slug === 'validation-failed') return new ApiError('validation', detail, details);
  if (status === 409) return new ApiError('duplicate', detail, details);
  if (status === 429)
    return new ApiError('rate-limited', detail, {
      ...details,
      retryAfterSeconds: parseRetryAfter(headers.get('Retry-After')),
    });
  if (slug === 'invalid-credentials') return new ApiError('bad-credentials', detail, details);
  if (status === 401) return new ApiError('unauthorized', detail, details);
  if (status === 403) return new ApiError('inactive', detail, details);
  if (status === 404) return new ApiError('not-found', detail, details);
  if (status === 503 && problem?.dependency === 'neo4j') return new ApiError('graph-unavailable', detail, details);
  if (status >= 500) return new ApiError('server', detail, details);
  return new ApiError('refused', detail, details);
}

/** What the page says for an error; `what` names the thing, e.g. "todo", "category", "account". */
export function userMessage(error: unknown, what = 'todo'): string {
  if (!(error instanceof ApiError)) return 'Something went wrong in the page. Reload it and try again.';
  switch (error.kind) {
    case 'validation':
      return Object.keys(error.fieldErrors).length > 0 ? 'Please correct the fields marked below.' : error.message;
    case 'duplicate':
      return what === 'todo'
        ? 'You already have a todo with this title.'
        : what === 'category'
          ? 'You already have a category with this name.'
          : 'An account with this email already exists.';
    case 'rate-limited':
      return `Too many requests: try again in ${error.retryAfterSeconds ?? 60} s.`;
    case 'bad-credentials':
      return 'Wrong email or password.';
    case 'unauthorized':
      return 'Your session has ended. Log in again; what you typed is kept.';
    case 'inactive':
      return 'This account is deactivated.';
    case 'not-found':
      return `That ${what} no longer exists.`;
    case 'graph-unavailable':
      return 'The graph (Neo4j) is not available, so related todos and similar users cannot be shown.';
    case 'server':
      return `The server failed (${error.status}). Quote request id ${error.requestId ?? 'unknown'} when reporting it.`;
    case 'network':
      return 'The API cannot be reached. Check that it is running; nothing was retried.';
    case 'invalid-response':
      return `The API sent an answer this page does not understand (request id ${error.requestId ?? 'unknown'}). Nothing was changed on the page.`;
    default:
      return error.message;
  }
}
