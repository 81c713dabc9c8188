/**
 * The one error shape: RFC 9457 problem details (application/problem+json).
 *
 * Every error the API answers with is a ProblemError thrown somewhere below and turned
 * into a response in one place (http/error-handler.ts). Each problem type has a slug, and its
 * `type` URI (/problems/<slug>) is served by the API itself, so a learner can follow it.
 */
export const problemTypes = {
  'malformed-json': {
    status: 400,
    title: 'Malformed JSON',
    description: 'The request body could not be parsed as JSON.',
  },
  'bad-request': {
    status: 400,
    title: 'Bad request',
    description:
      'The request is not well-formed HTTP (Node.js could not parse it); the connection is closed after this answer.',
  },
  'invalid-token': {
    status: 401,
    title: 'Authentication required',
    description:
      'The request has no bearer token, or the token is malformed, expired, wrongly signed or for an unknown user. Log in again with POST /auth/login.',
  },
  'invalid-credentials': {
    status: 401,
    title: 'Invalid email or password',
    description:
      'The email and password do not match an account. The answer is the same for an unknown email and a wrong password, on purpose.',
  },
  'account-inactive': {
    status: 403,
    title: 'Account inactive',
    description: 'The account exists but is deactivated, so it may not use the API.',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    description:
      'Nothing exists here for you. Another user\'s todo is "not found" too, never "forbidden", so that ids reveal nothing.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    description:
      'The path exists but does not answer this HTTP method; the Allow header lists the methods it does answer.',
  },
  'request-timeout': {
    status: 408,
    title: 'Request timeout',
    description:
      'The request did not arrive in time (SERVER_HEADERS_TIMEOUT_MS for its headers, SERVER_REQUEST_TIMEOUT_MS for all of it); the connection is closed.',
  },
  'email-taken': {
    status: 409,
    title: 'Email already registered',
    description: 'An account with this email already exists.',
  },
  'duplicate-title': {
    status: 409,
    title: 'Duplicate todo title',
    description: 'You already have a todo with this title (titles are compared case-insensitively).',
  },
  'duplicate-category': {
    status: 409,
    title: 'Duplicate category name',
    description: 'You already have a category with this name (compared case-insensitively).',
  },
  'drill-running': {
    status: 409,
    title: 'A drill is running',
    description:
      'One drill runs at a time, and while it runs its fault switches are its own: finish it or give it up (DELETE /lab/drill-runs/{runId}) first. `runId` names the running drill.',
  },
  'drill-unavailable': {
    status: 409,
    title: 'This drill needs the services',
    description:
      'Every cause of this drill lives in a dependency this API runs without (Neo4j or Redis): start the API with NEO4J_URI and REDIS_URL to run it.',
  },
  'drill-not-running': {
    status: 409,
    title: 'The drill has ended',
    description: 'The drill was solved, given up, or ended when its lease ran out: start it again for a new cause.',
  },
  'fault-target-absent': {
    status: 409,
    title: 'No such dependency in this lab',
    description:
      'A lab fault names a dependency this API runs without (Neo4j without NEO4J_URI, Redis without REDIS_URL): there is no call to slow down or break. The `dependency` field names it; `postgresql` and `cache` work in every lab.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Request body too large',
    description: 'The request body is larger than the API accepts.',
  },
  'range-not-satisfiable': {
    status: 416,
    title: 'Range not satisfiable',
    description:
      'The Range asked for lies outside the file; Content-Range gives its size. A Range the API cannot read is ignored (the whole file, 200).',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Send the request body as JSON, with Content-Type: application/json.',
  },
  'validation-failed': {
    status: 422,
    title: 'Request validation failed',
    description: 'The request is well-formed but breaks a rule; `errors` lists each field and what is wrong with it.',
  },
  'headers-too-large': {
    status: 431,
    title: 'Request headers too large',
    description: 'The request headers are larger than the server accepts (16 KiB in all); the connection is closed.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    description: 'You went over a rate limit. Retry-After says how many seconds to wait.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal server error',
    description:
      'Something unexpected failed. The response carries a request id; the server logged the details under it.',
  },
  'dependency-failed': {
    status: 502,
    title: 'Dependency failed',
    description:
      'A service the API reads for you (Jaeger, Prometheus) answered with an error, or with something too large or not understood; the `dependency` field names it.',
  },
  'dependency-unavailable': {
    status: 503,
    title: 'Dependency unavailable',
    description: 'A service the API depends on did not answer, or is not configured; the `dependency` field names it.',
  },
  'dependency-timeout': {
    status: 504,
    title: 'Dependency timed out',
    description:
      'A service the API reads for you (Jaeger, Prometheus) did not answer in time; the `dependency` field names it.',
  },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemSlug = keyof typeof problemTypes;

export interface FieldError {
  /** The field, as a dotted path: `title`, `categoryIds.0`, `query.limit`. */
  path: string;
  message: string;
}

export interface ProblemOptions {
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members of the problem object, e.g. `dependency` for a 503. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

export class ProblemError extends Error {
  readonly slug: ProblemSlug;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(slug: ProblemSlug, options: ProblemOptions = {}) {
    super(options.detail ?? problemTypes[slug].title, { cause: options.cause });
    this.name = 'ProblemError';
    this.slug = slug;
    this.status = problemTypes[slug].status;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemTypeUri(slug: ProblemSlug): string {
  return `/problems/${slug}`;
}

export function toProblemBody(problem: ProblemError, context: { instance: string; requestId: string }): ProblemBody {
  const type = problemTypes[problem.slug];
  return {
    ...problem.extensions,
    type: problemTypeUri(problem.slug),
    title: type.title,
    status: problem.status,
    detail: problem.detail ?? type.description,
    instance: context.instance,
    requestId: context.requestId,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}
