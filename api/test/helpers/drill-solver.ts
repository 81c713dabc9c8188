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
import type { SpanNode } from '../../src/telemetry/recent-traces.ts';

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
    if (
      span.kind !== 'SERVER' &&
      span.durationMs >= 150 &&
      !(span.name === 'cache lookup' && span.attributes['flowlab.cache.outcome'] === 'hit') &&
      flat([span]).some((inner) => system(inner) === 'postgresql')
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
    for (const reading of readingOrder) {
      const cause = causeFor(reading, candidates);
      const traces = found.get(reading) ?? [];
      // One slow trace can be a busy machine; a slowness the learner trusts shows in several.
      const enough = reading.endsWith('-slow') ? 3 : 1;
      if (cause && !excluded.includes(cause) && traces.length >= enough)
        return { cause, traceId: traces.at(-1) as string };
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(
    `no trace since the start showed any of ${candidates.join(', ')}; read: ${[...found.keys()].join(', ')}`,
  );
}
