/**
 * A learner solving a drill: list the requests since the drill started (the admin view, as the
 * drills page does), open them one by one, and name what the waterfall shows: a 429 on a login, a
 * red span that reached the database or Neo4j, a `cache lookup` that answered bypass, a cache hit
 * that took long, a step waiting on the database or a graph write that took long. The drill's
 * candidate causes decide which of those readings is the answer.
 *
 * Written apart from the API's own checker (src/lab/drills/evidence.ts) on purpose: a test that
 * solved drills with the checker it tests could not fail.
 */
import type { SpanNode } from '../../src/trace-views/span-tree.ts';

export type Reading =
  | 'noisy-neighbour'
  | 'postgresql-errors'
  | 'neo4j-errors'
  | 'cache-down'
  | 'cache-slow'
  | 'neo4j-slow'
  | 'postgresql-slow';

function flat(tree: SpanNode[]): SpanNode[] {
  const out: SpanNode[] = [];
  const walk = (nodes: SpanNode[]) => {
    for (const node of nodes) {
      out.push(node);
      walk(node.children);
    }
  };
  walk(tree);
  return out;
}

const system = (span: SpanNode) => span.attributes['db.system.name'] ?? span.attributes['db.system'];

/** What one trace shows, as a learner would read it; undefined for a healthy, fast trace. */
export function readTrace(tree: SpanNode[]): Reading[] {
  const spans = flat(tree);
  const root = spans.find((s) => s.kind === 'SERVER');
  const readings: Reading[] = [];
  const route = String(root?.attributes['http.route'] ?? '');
  if (root?.attributes['http.response.status_code'] === 429 && route.startsWith('/auth/'))
    readings.push('noisy-neighbour');
  for (const span of spans) {
    if (
      span.status === 'error' &&
      (system(span) === 'postgresql' || /injected postgresql/.test(span.statusMessage ?? ''))
    )
      readings.push('postgresql-errors');
    if (span.status === 'error' && (system(span) === 'neo4j' || /injected neo4j/.test(span.statusMessage ?? '')))
      readings.push('neo4j-errors');
    if (span.name === 'cache lookup' && span.attributes['flowlab.cache.outcome'] === 'bypass')
      readings.push('cache-down');
    if (span.name === 'cache lookup' && span.attributes['flowlab.cache.outcome'] === 'hit' && span.durationMs >= 100)
      readings.push('cache-slow');
    if (system(span) === 'neo4j' && span.durationMs >= 1000) readings.push('neo4j-slow');
    // A statement that took long, or a step that waits on statements and nothing else slow: a
    // cache lookup is left out, since its time may be the cache's own.
    const statement = system(span) === 'postgresql';
    if (
      span.durationMs >= 150 &&
      (statement ||
        (span.kind !== 'SERVER' &&
          span.name !== 'cache lookup' &&
          flat([span]).some((inner) => system(inner) === 'postgresql')))
    )
      readings.push('postgresql-slow');
  }
  return [...new Set(readings)];
}

/** The cause id a reading stands for in a drill (growing causes read as slow ones). */
export function causeFor(reading: Reading, candidates: string[]): string | undefined {
  const names: Record<Reading, string[]> = {
    'noisy-neighbour': ['noisy-neighbour'],
    'postgresql-errors': ['postgresql-errors'],
    'neo4j-errors': ['neo4j-down', 'neo4j-flaky'],
    'cache-down': ['cache-down'],
    'cache-slow': ['cache-slow', 'cache-growing'],
    'neo4j-slow': ['neo4j-slow'],
    'postgresql-slow': ['postgresql-slow', 'postgresql-growing'],
  };
  return names[reading].find((id) => candidates.includes(id));
}

/** The order a learner would trust readings in: a failure or a bypass explains a slowness, not the other way. */
export const readingOrder: Reading[] = [
  'noisy-neighbour',
  'postgresql-errors',
  'neo4j-errors',
  'cache-down',
  'neo4j-slow',
  'cache-slow',
  'postgresql-slow',
];

interface Summary {
  traceId: string;
  startTime: string;
}

/**
 * Looks through the traces since `since` until one shows a cause of the drill; polls while the
 * background load fills the store. `get` reads the API with the admin token.
 */
export async function findEvidence(
  get: (path: string) => Promise<unknown>,
  since: number,
  candidates: string[],
  options: { excluded?: string[]; timeoutMs?: number } = {},
): Promise<{ cause: string; traceId: string }> {
  const { excluded = [], timeoutMs = 90_000 } = options;
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  const found = new Map<Reading, string[]>();
  while (Date.now() < deadline) {
    const { items } = (await get('/debug/traces?limit=100')) as { items: Summary[] };
    for (const item of items) {
      if (seen.has(item.traceId) || Date.parse(item.startTime) < since) continue;
      seen.add(item.traceId);
      const { spans } = (await get(`/debug/traces/${item.traceId}`)) as { spans: SpanNode[] };
      for (const reading of readTrace(spans)) found.set(reading, [...(found.get(reading) ?? []), item.traceId]);
    }
    const usable = (reading: Reading) => {
      const cause = causeFor(reading, candidates);
      return cause && !excluded.includes(cause) ? cause : undefined;
    };
    // A failure, a bypass or a 429 explains the rest: one trace of it is enough.
    for (const reading of readingOrder.filter((r) => !r.endsWith('-slow'))) {
      const cause = usable(reading);
      const traces = found.get(reading) ?? [];
      if (cause && traces.length > 0) return { cause, traceId: traces.at(-1) as string };
    }
    // One slow trace can be a busy machine: the slowness a learner trusts is the one most traces show.
    const slow = readingOrder
      .filter((r) => r.endsWith('-slow') && usable(r))
      .map((r) => ({ cause: usable(r) as string, traces: found.get(r) ?? [] }))
      .sort((a, b) => b.traces.length - a.traces.length)[0];
    if (slow && slow.traces.length >= 3) return { cause: slow.cause, traceId: slow.traces.at(-1) as string };
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(
    `no trace since the start showed any of ${candidates.join(', ')}; read: ${[...found.keys()].join(', ')}`,
  );
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Record<string, any> }>;

/**
 * One drill over HTTP, as the curl block of the drills page does it: start, a wrong answer first
 * (refused, one hint), then the evidence the traces show, then the checks that nothing is left
 * running. Returns the seconds it took.
 */
export async function solveDrill(
  call: Call,
  drill: { id: string; causes: string[] },
  expect: (ok: boolean, what: string) => void,
): Promise<number> {
  const get = async (path: string) => (await call('GET', path)).json;
  const since = Date.now();
  const started = await call('POST', `/lab/drills/${drill.id}/start`);
  expect(started.status === 201, `start answered ${started.status} ${JSON.stringify(started.json)}`);
  const runId = started.json.runId as string;
  // While a drill runs its faults are hidden, and the switches refuse to change.
  const faults = await call('GET', '/lab/faults');
  expect(faults.json.type === '/problems/drill-running', `GET /lab/faults during a drill: ${faults.status}`);
  const lease = setInterval(() => void call('POST', `/lab/drill-runs/${runId}/lease`), 15_000);
  try {
    let anyTrace: string | undefined;
    for (let i = 0; i < 60 && !anyTrace; i++) {
      const { items } = await get('/debug/traces?limit=5');
      anyTrace = items.find((t: { startTime: string }) => Date.parse(t.startTime) >= since)?.traceId;
      if (!anyTrace) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(Boolean(anyTrace), 'the background load made no trace within a minute');
    // neo4j-slow is never an answer for these drills' symptoms but graph-pending's, where
    // postgresql-errors is the wrong one.
    const wrongCause = drill.causes.includes('neo4j-slow') ? 'postgresql-errors' : 'neo4j-slow';
    const wrong = await call('POST', `/lab/drill-runs/${runId}/answer`, { cause: wrongCause, traceId: anyTrace });
    expect(
      wrong.json.correct === false && wrong.json.drill.hints.length === 1,
      `the wrong answer: ${JSON.stringify(wrong.json)}`,
    );

    const excluded: string[] = [];
    let verdict: Record<string, any> = {};
    for (let attempt = 0; attempt < 3 && !verdict.correct; attempt++) {
      const evidence = await findEvidence(get, since, drill.causes, { excluded });
      verdict = (await call('POST', `/lab/drill-runs/${runId}/answer`, evidence)).json;
      if (!verdict.correct) excluded.push(evidence.cause);
    }
    expect(verdict.correct === true, `never solved: ${verdict.message}`);
    expect(verdict.drill.state === 'solved' && Boolean(verdict.drill.debrief.evidence.found), 'solved, with evidence');
    expect(verdict.drill.debrief.path.length >= 3, 'the debrief has a path');
    const seconds = Math.round((Date.now() - since) / 1000);

    // Nothing left running: no fault, and no load request a moment after the end.
    const after = await get('/lab/faults');
    expect(JSON.stringify(after) === '{"faults":{}}', `faults after the drill: ${JSON.stringify(after)}`);
    const ended = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const { items } = await get('/debug/traces?limit=50');
    const late = items.filter(
      (t: { startTime: string; rootName: string }) =>
        Date.parse(t.startTime) > ended + 500 && /\/(todos|auth)/.test(t.rootName),
    );
    expect(late.length === 0, `requests after the end: ${JSON.stringify(late)}`);
    return seconds;
  } finally {
    clearInterval(lease);
    const current = await call('GET', '/lab/drills/current');
    if (current.json.state === 'running') await call('DELETE', `/lab/drill-runs/${runId}`);
  }
}

/** A JSON client for the drill routes, with the admin token. */
export function adminClient(base: () => string, adminToken: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${adminToken}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
}
