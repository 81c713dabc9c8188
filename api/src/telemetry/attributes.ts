/**
 * Every attribute key the lab puts on its own spans, defined once, each with what it means.
 * A learner meets these names in /debug/traces, Jaeger and the walkthrough's exercises; code
 * imports them from here, so a rename is one edit and a typo is a compile error.
 *
 * The OpenTelemetry semantic conventions name what they can (http.*, db.*, error.type): those
 * come from @opentelemetry/semantic-conventions. Its incubating names (enduser.id) and the ones
 * older instrumentations still emit (db.system, db.statement) are copied here, as the package
 * advises for anything not yet stable: its incubating entry point may change in a minor release.
 * The rest are the lab's own, under `flowlab.`.
 */
export {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ERROR_TYPE_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';

/** The numeric id of the authenticated user (incubating semantic convention); nothing more personal. */
export const ATTR_ENDUSER_ID = 'enduser.id';
/** The database system, as instrumentations on the older conventions name it (now db.system.name). */
export const ATTR_DB_SYSTEM_OLD = 'db.system';
/** The statement, as instrumentations on the older conventions name it (now db.query.text). */
export const ATTR_DB_STATEMENT_OLD = 'db.statement';

// The request's refusals.
/** The problem type (its slug, e.g. `duplicate-title`) a 4xx answered with: the client's doing, not an error. */
export const FLOWLAB_PROBLEM_TYPE = 'flowlab.problem.type';

// validate request
/** The parts of the request checked, in order (`param`, `query`, `json`); a failure stops at the part at fault. */
export const FLOWLAB_VALIDATION_TARGET = 'flowlab.validation.target';
/** Whether every part checked was valid. */
export const FLOWLAB_VALIDATION_VALID = 'flowlab.validation.valid';
/** How many problems the failing part had (each becomes an entry of the 422's `errors`). */
export const FLOWLAB_VALIDATION_ERROR_COUNT = 'flowlab.validation.error_count';

// rate limit decision
/** How many requests the window allows. */
export const FLOWLAB_RATE_LIMIT_LIMIT = 'flowlab.rate_limit.limit';
/** Whether this request was let through (false: a 429). */
export const FLOWLAB_RATE_LIMIT_ALLOWED = 'flowlab.rate_limit.allowed';
/** How many more the window allows after this one. */
export const FLOWLAB_RATE_LIMIT_REMAINING = 'flowlab.rate_limit.remaining';
/** Seconds until the window lets one more through (RateLimit-Reset): an exercise counts down from it. */
export const FLOWLAB_RATE_LIMIT_RESET_SECONDS = 'flowlab.rate_limit.reset_seconds';

// authenticate
/** Where the caller's account state came from: `hit` (the cache store), `miss` (PostgreSQL, then stored) or `bypass`. */
export const FLOWLAB_ACCOUNT_CACHE = 'flowlab.account.cache';

// cache lookup
/** Where the cache lives: `redis`, or `memory` without Redis. */
export const FLOWLAB_CACHE_STORE = 'flowlab.cache.store';
/** `hit` (answered from the cache), `miss` (read from PostgreSQL, then stored) or `bypass` (cache unavailable). */
export const FLOWLAB_CACHE_OUTCOME = 'flowlab.cache.outcome';

// duplicate check
/** The business rule a step enforces, in words (`unique title per user`). */
export const FLOWLAB_RULE = 'flowlab.rule';

// outbox write, graph write, the worker
/** The outbox event's id: the same number in the request's trace and in the worker's. */
export const FLOWLAB_OUTBOX_ID = 'flowlab.outbox.id';
/** What happened (`todo.created`, `category.deleted` ...). */
export const FLOWLAB_OUTBOX_EVENT_TYPE = 'flowlab.outbox.event_type';
/** What it happened to, as `type:id` (`todo:42`). */
export const FLOWLAB_OUTBOX_AGGREGATE = 'flowlab.outbox.aggregate';
/** How many times the worker had tried this event before. */
export const FLOWLAB_OUTBOX_ATTEMPTS = 'flowlab.outbox.attempts';
/** How many events the worker claimed in this batch. */
export const FLOWLAB_OUTBOX_BATCH_SIZE = 'flowlab.outbox.batch_size';
/** What the worker did with the event: `done`, `outage` (kept for later), `retry` or `dead`. */
export const FLOWLAB_OUTBOX_OUTCOME = 'flowlab.outbox.outcome';
/** On a link: why it leads where it leads (`written by this request`). */
export const FLOWLAB_LINK = 'flowlab.link';
/** The inline graph write's result: `synced`, `pending` (the worker will apply it) or `disabled`. */
export const FLOWLAB_GRAPH_STATUS = 'flowlab.graph.status';

// circuit breaker
/** Which breaker (`neo4j`). */
export const FLOWLAB_BREAKER_NAME = 'flowlab.breaker.name';
/** Its state when the call arrived: `closed`, `open` or `half-open`. */
export const FLOWLAB_BREAKER_STATE = 'flowlab.breaker.state';
/** On a failed call: `rejected` (the breaker was open, Neo4j never asked) or `allowed` (Neo4j failed). */
export const FLOWLAB_BREAKER_DECISION = 'flowlab.breaker.decision';
/** Its state after the call: a failure may have opened it, a trial call closed it. */
export const FLOWLAB_BREAKER_STATE_AFTER = 'flowlab.breaker.state_after';
