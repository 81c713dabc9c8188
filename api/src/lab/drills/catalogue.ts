/**
 * The incident drills: each starts from a symptom a user would report, with its cause hidden and
 * drawn by the lab among several. The causes are this API's real failure modes, made with the
 * fault switches (faults.ts) and the drill's own background load (drill-load.ts), so the learner
 * finds them in real traces, metrics and logs, never in a message that names them.
 *
 * A cause says what the learner must show (evidence.ts checks it), the third hint (where to look
 * when the first two were not enough) and the debrief: the path an engineer would take.
 */
import type { Fault, FaultTarget } from '../faults.ts';

/** What a cause needs besides the API itself: the embedded default has neither. */
export type Need = 'redis' | 'neo4j';

/** What a trace must show for a cause (checked by evidence.ts on the API's recent traces). */
export type Evidence =
  /** A span that waited on this dependency took at least `minMs`. */
  | { kind: 'slow'; target: 'postgresql' | 'cache' | 'neo4j'; minMs: number }
  /** A call to this dependency failed in the trace. */
  | { kind: 'failed'; target: 'postgresql' | 'neo4j' }
  /** The cache was skipped: `cache lookup` answered `bypass`. */
  | { kind: 'bypass' }
  /** The request was refused by a rate limit: a 429 on this route prefix. */
  | { kind: 'limited'; routePrefix: string };

/** Extra work the drill's background load does for this cause. */
export type LoadShape = 'noisy-login';

export interface Cause {
  id: string;
  /** What the learner picks when they think this is it. */
  label: string;
  needs: Need[];
  /** The faults in effect `elapsedMs` after the start (a function: some causes grow). */
  faults(elapsedMs: number): Partial<Record<FaultTarget, Fault>>;
  load?: LoadShape;
  evidence: Evidence;
  /** The third hint: where to look, without naming the answer. */
  look: string;
  /** The path through the signals an engineer would take, for the debrief. */
  path: string[];
  /** What would fix it in a real system. */
  fix: string;
}

export interface Drill {
  id: string;
  title: string;
  /** What a user reports, in their words. */
  symptom: string;
  /** The causes the lab draws from (the ones this lab can run), in the order the page lists them. */
  causes: string[];
  /** The first two hints: where to start, then how to compare. */
  hints: [string, string];
}

const slowDatabase =
  (latencyMs: number): Cause['faults'] =>
  () => ({ postgresql: { latencyMs, errorRate: 0 } });
const slowCache =
  (latencyMs: number): Cause['faults'] =>
  () => ({ cache: { latencyMs, errorRate: 0 } });
/** Doubles every minute from `startMs`, up to `maxMs`. */
const growing =
  (target: FaultTarget, startMs: number, maxMs: number): Cause['faults'] =>
  (elapsedMs) => ({
    [target]: { latencyMs: Math.min(maxMs, startMs * 2 ** Math.floor(elapsedMs / 60_000)), errorRate: 0 },
  });

export const causes: Record<string, Cause> = {
  'postgresql-slow': {
    id: 'postgresql-slow',
    label: 'PostgreSQL answers slowly',
    needs: [],
    faults: slowDatabase(250),
    evidence: { kind: 'slow', target: 'postgresql', minMs: 200 },
    look: 'Open a slow trace and find the widest bar that is not the request itself: which spans under it are database statements?',
    path: [
      'The RED panel of the API dashboard shows the route slower, with no rise in errors.',
      'A slow trace of that route (an exemplar, or Your recent requests sorted by duration) shows where the time went.',
      'The steps that wait on database statements grew by the same amount in every slow trace; the cache and the rest did not.',
    ],
    fix: "Look at the statement's plan (EXPLAIN ANALYZE), the pool's wait time and the database host; a missing index or a saturated pool are the usual causes.",
  },
  'postgresql-errors': {
    id: 'postgresql-errors',
    label: 'PostgreSQL refuses some statements',
    needs: [],
    faults: () => ({ postgresql: { latencyMs: 0, errorRate: 0.2 } }),
    evidence: { kind: 'failed', target: 'postgresql' },
    look: 'Filter your recent requests by status error, open one, and read the status message of the red span furthest down.',
    path: [
      'The error ratio on the RED panel rises on every route that touches the database, not on one route.',
      'A failed trace shows a red span under the step that ran a statement; its exception names the database.',
      'The log line with the same trace id carries the requestId the user saw in their 5xx answer.',
    ],
    fix: 'Read the database error itself (its SQLSTATE), check the database logs and connection limits; retry only what is safe to retry.',
  },
  'cache-slow': {
    id: 'cache-slow',
    label: 'The cache became slower than the database',
    needs: [],
    faults: slowCache(200),
    evidence: { kind: 'slow', target: 'cache', minMs: 150 },
    look: 'Compare a cache hit with a miss: open a trace whose `cache lookup` says hit. How long did a hit take?',
    path: [
      'Requests that read the cache got slower, although the hit ratio is unchanged: a hit should be the fast path.',
      'In a trace of GET /todos, `cache lookup` with outcome hit took longer than a database read would; `authenticate`, which reads the account state from the cache, grew too.',
      'The cache itself (its host, its latency, a big value) is the suspect, not the database.',
    ],
    fix: "Measure the cache's own latency (Redis SLOWLOG, network), keep values small; a cache slower than its source is worse than none.",
  },
  'cache-down': {
    id: 'cache-down',
    label: 'The cache is skipped and every read goes to the database',
    needs: [],
    faults: () => ({ cache: { latencyMs: 0, errorRate: 1 }, postgresql: { latencyMs: 60, errorRate: 0 } }),
    evidence: { kind: 'bypass' },
    look: 'Open any trace of GET /todos and read the attributes of its `cache lookup` span: what outcome does it report?',
    path: [
      'Lists got slower, no request failed: the API degrades on purpose when the cache is away.',
      'Every `cache lookup` answers bypass instead of hit or miss; the database now serves every read.',
      'The warning in the logs names the cache and counts the failures, once per interval.',
    ],
    fix: 'Bring the cache back (and watch the database meanwhile: it now carries the whole read load).',
  },
  'neo4j-down': {
    id: 'neo4j-down',
    label: 'Neo4j is down and the breaker is open',
    needs: ['neo4j'],
    faults: () => ({ neo4j: { latencyMs: 0, errorRate: 1 } }),
    evidence: { kind: 'failed', target: 'neo4j' },
    look: "Requests are fine: look at the worker's traces (outbox drain) in the admin view, and at what its graph writes answered.",
    path: [
      'Writes answer 201 and lists are right: the graph is written later, by the outbox worker.',
      'The outbox backlog metric grows; the breaker state metric reads open.',
      'An `outbox drain` trace shows the graph write failing, then the breaker refusing without calling Neo4j.',
    ],
    fix: 'Bring Neo4j back: the breaker half-opens, the worker drains the backlog in order, nothing is lost.',
  },
  'neo4j-slow': {
    id: 'neo4j-slow',
    label: 'Neo4j is slow and the worker falls behind',
    needs: ['neo4j'],
    faults: () => ({ neo4j: { latencyMs: 1500, errorRate: 0 } }),
    evidence: { kind: 'slow', target: 'neo4j', minMs: 1000 },
    look: "Open an `outbox drain` trace (the admin view lists the worker's traces): how long does one graph write take?",
    path: [
      'Nothing fails, but the graph lags: the outbox backlog grows and drains slowly.',
      'Each `outbox drain` trace is long; its graph write spans take seconds each.',
      'The worker is healthy; the dependency it waits on is slow.',
    ],
    fix: "Look at Neo4j's own query log and memory; batch the writes, or add workers if Neo4j can take more.",
  },
  'neo4j-flaky': {
    id: 'neo4j-flaky',
    label: 'Neo4j refuses some calls',
    needs: ['neo4j'],
    faults: () => ({ neo4j: { latencyMs: 0, errorRate: 0.3 } }),
    evidence: { kind: 'failed', target: 'neo4j' },
    look: 'Which routes fail? Filter the recent requests by status error and compare their routes with the ones that never fail.',
    path: [
      'Only some routes fail: the ones that read the graph (related todos, similar users); lists and writes are fine.',
      'A failed trace shows a red graph read span; with enough failures the breaker opens and answers 503 at once.',
      'The dependency metric for Neo4j shows the error ratio; the other dependencies are clean.',
    ],
    fix: 'Look at Neo4j (its logs, memory, connection limit); the breaker keeps the rest of the API answering meanwhile.',
  },
  'noisy-neighbour': {
    id: 'noisy-neighbour',
    label: 'Another client on the same address used up the login limit',
    needs: [],
    faults: () => ({}),
    load: 'noisy-login',
    evidence: { kind: 'limited', routePrefix: '/auth/' },
    look: 'Try a login yourself and read the answer: its status, its RateLimit headers, and its trace.',
    path: [
      'Logins fail although the database and the cache are healthy.',
      'The failing answers are 429s with Retry-After; the limit for /auth/* counts per client address.',
      "The admin view of recent requests shows a client sending failed logins every second from the learner's own address.",
    ],
    fix: 'Find and stop the noisy client; behind a proxy, count the real client address (TRUST_PROXY), not the proxy.',
  },
  'postgresql-growing': {
    id: 'postgresql-growing',
    label: 'The database gets slower every minute',
    needs: [],
    faults: growing('postgresql', 120, 2000),
    evidence: { kind: 'slow', target: 'postgresql', minMs: 100 },
    look: 'Take a trace from the start of the drill and one from now. Which span grew?',
    path: [
      'The latency panel shows p99 doubling every minute: something accumulates.',
      'Two traces of the same route, a minute apart: the steps waiting on the database grew, the rest did not.',
      'A growing delay on one dependency points at a queue filling up there (locks, a pool, a table bloating).',
    ],
    fix: 'Find what accumulates in the database (pg_stat_activity for waiting locks, table bloat, a pool that never frees) before it reaches the timeouts.',
  },
  'cache-growing': {
    id: 'cache-growing',
    label: 'The cache gets slower every minute',
    needs: [],
    faults: growing('cache', 120, 2000),
    evidence: { kind: 'slow', target: 'cache', minMs: 100 },
    look: 'Take a trace from the start of the drill and one from now, both cache hits. Which span grew?',
    path: [
      'The latency panel shows p99 doubling every minute, and cached reads are affected first.',
      'Two cache hits a minute apart: `cache lookup` grew, though a hit touches no database.',
      'The cache host itself is degrading (memory, swap, a growing value).',
    ],
    fix: 'Look at the cache host: memory and eviction, the size of the values, the network.',
  },
};

export const drills: Drill[] = [
  {
    id: 'slow-create',
    title: 'Creating a todo got slow',
    symptom: '"Since this morning, adding a todo takes a noticeable moment. Nothing fails, it is just slow."',
    causes: ['postgresql-slow', 'cache-slow'],
    hints: [
      'Start from the symptom: list the recent POST /todos requests and open the slowest.',
      'In the waterfall, find the span that takes most of the request, then look at what it contains.',
    ],
  },
  {
    id: 'slow-lists',
    title: 'Lists got slower',
    symptom: '"Opening my list used to be instant. Now it hangs a little every time."',
    causes: ['cache-slow', 'cache-down', 'postgresql-slow'],
    hints: [
      'Start with GET /todos in the recent requests: open a slow one.',
      'A list is read through the cache: what did `cache lookup` answer (hit, miss or bypass), and how long did it take?',
    ],
  },
  {
    id: 'some-requests-fail',
    title: 'Some requests fail',
    symptom:
      '"Every so often, saving or loading fails with an error page and a request id. Trying again usually works."',
    causes: ['postgresql-errors', 'neo4j-flaky'],
    hints: [
      'Filter the recent requests by status error: which routes fail, all of them or one?',
      'Open a failed trace: the red span furthest from the root is where the error started.',
    ],
  },
  {
    id: 'login-refused',
    title: 'Nobody here can log in',
    symptom: '"Since a few minutes, the login page refuses me, and my colleague at the next desk too."',
    causes: ['noisy-neighbour', 'postgresql-errors'],
    hints: [
      'Log in yourself with curl and look at the status and headers of the answer, not only its body.',
      'In the admin view of recent requests, filter by route /auth/login: who else is logging in, and how often?',
    ],
  },
  {
    id: 'latency-growing',
    title: 'Latency doubles every minute',
    symptom: '"It was fine when we started. It gets worse every minute, and nobody deployed anything."',
    causes: ['postgresql-growing', 'cache-growing'],
    hints: [
      'Note the time: compare a request from the start of the drill with one from now.',
      'Put the two waterfalls side by side: which span grew, and which stayed the same?',
    ],
  },
  {
    id: 'slow-everywhere',
    title: 'Everything got a little slower',
    symptom: '"Not broken, not terrible: every page is a bit slower than last week."',
    causes: ['cache-slow', 'postgresql-slow'],
    hints: [
      'Pick one route and compare a cached read with a write: are both slower?',
      'Find a step that every request passes through and that grew; what does that step wait on?',
    ],
  },
  {
    id: 'graph-pending',
    title: 'The graph page says pending',
    symptom: '"My new todos show up in the list, but the related-todos page still says pending after minutes."',
    causes: ['neo4j-down', 'neo4j-slow'],
    hints: [
      'The request that created the todo answered 201: the graph is written later. By whom?',
      "Open the worker's `outbox drain` traces (the admin view lists them) and look at its graph writes.",
    ],
  },
  {
    id: 'reads-skip-cache',
    title: 'The database is busier than it should be',
    symptom: '"The database dashboard shows twice the reads it used to, for the same traffic."',
    causes: ['cache-down', 'postgresql-slow'],
    hints: [
      'Reads are meant to be served by the cache: how many of the recent list reads were hits?',
      'Open a GET /todos trace and read `cache lookup` and its children: did this read go to the database, and why?',
    ],
  },
];

export function findDrill(id: string): Drill | undefined {
  return drills.find((drill) => drill.id === id);
}

/** The causes of a drill this lab can run (a cause needing Neo4j needs an API started with it). */
export function possibleCauses(drill: Drill, available: ReadonlySet<Need>): Cause[] {
  return drill.causes.flatMap((id) => {
    const cause = causes[id];
    return cause && cause.needs.every((need) => available.has(need)) ? [cause] : [];
  });
}
