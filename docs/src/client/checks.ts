/**
 * What each exercise's Check looks for in the learner's own trace (found by the traceparent the
 * page gave them). Every check needs a request that carries that trace id, so none passes by
 * doing nothing, and each says what is missing when it fails.
 */
import { allSpans, apiBase, type SpanNode } from './lab.ts';

export interface CheckContext {
  traceId: string;
  parentId: string;
  tree: SpanNode[];
  spans: SpanNode[];
  root: SpanNode | undefined;
  /** What the learner typed, for exercises that ask a question about their trace. */
  answer: string;
  token: string;
}

export interface Verdict {
  pass: boolean;
  message: string;
  /**
   * Only the learner's answer was wrong, not their request: the same trace can be checked again.
   * Any other failure starts a new attempt with a traceparent of its own.
   */
  answerOnly?: boolean;
}

const pass = (message: string): Verdict => ({ pass: true, message });
const fail = (message: string): Verdict => ({ pass: false, message });
const wrongAnswer = (message: string): Verdict => ({ pass: false, message, answerOnly: true });
/** The request was right and only time is missing (a worker still busy): Check the same trace again later. */
const notYet = wrongAnswer;

function status(span: SpanNode | undefined): number | undefined {
  const code = span?.attributes['http.response.status_code'];
  return code === undefined ? undefined : Number(code);
}

function find(context: CheckContext, name: string): SpanNode | undefined {
  return context.spans.find((s) => s.name === name);
}

function expectStatus(context: CheckContext, expected: number, then: () => Verdict): Verdict {
  const got = status(context.root);
  if (got === expected) return then();
  const why =
    got === 401
      ? "the token in your shell is not your lab account's (or it expired): use the TOKEN line above."
      : `the exercise asks for a ${expected}: run its commands above as they are, after the shell lines.`;
  return fail(`Your request reached the API (${context.root?.name}) but answered ${got}, not ${expected}: ${why}`);
}

export const checks: Record<string, (context: CheckContext) => Verdict | Promise<Verdict>> = {
  'continue-trace': (c) =>
    c.root?.parentSpanId === c.parentId
      ? pass(`The API continued your trace: its SERVER span ${c.root.name} has your span ${c.parentId} as its parent.`)
      : fail('A span with your trace id arrived, but its parent is not the span id from your traceparent.'),

  'body-limit': (c) =>
    expectStatus(c, 413, () => pass('413: the body limit refused the request before anything read it.')),

  'bad-token': (c) =>
    expectStatus(c, 401, () => {
      const span = find(c, 'authenticate');
      if (!span) return fail('A 401, but no authenticate span: did the request go to a route that needs a token?');
      return pass(
        `401, and the authenticate span says why: ${span.attributes['flowlab.problem.type'] ?? span.status}.`,
      );
    }),

  'make-422': (c) =>
    expectStatus(c, 422, () => {
      const span = c.spans.find(
        (s) => s.name === 'validate request' && s.attributes['flowlab.validation.valid'] === false,
      );
      return span
        ? pass(
            `422: validate request found ${span.attributes['flowlab.validation.error_count']} error(s) in the ${span.attributes['flowlab.validation.target']}.`,
          )
        : fail('A 422, but no validate request span with flowlab.validation.valid=false.');
    }),

  'make-429': (c) =>
    expectStatus(c, 429, () => {
      const span = find(c, 'rate limit decision');
      return span?.attributes['flowlab.rate_limit.allowed'] === false
        ? pass('429: the rate limit decision said no (flowlab.rate_limit.allowed=false), and nothing was written.')
        : fail('A 429, but the rate limit decision span does not say allowed=false.');
    }),

  'cache-hit': (c) => {
    const span = find(c, 'cache lookup');
    if (!span)
      return fail('No cache lookup span in this trace: only reads (GET /todos, GET /todos/:id) look in the cache.');
    const outcome = span.attributes['flowlab.cache.outcome'];
    return outcome === 'hit'
      ? pass('A cache hit: the answer came from the cache, and no SELECT ran under the cache lookup.')
      : fail(
          `The cache lookup says ${outcome}. The first read of a page fills the cache; the same read again hits it.`,
        );
  },

  'make-409': (c) =>
    expectStatus(c, 409, () => {
      const span = find(c, 'duplicate check');
      return span?.attributes['flowlab.problem.type'] === 'duplicate-title'
        ? pass(
            '409: the unique index refused the INSERT, and the duplicate check span names the problem: duplicate-title.',
          )
        : fail('A 409, but the duplicate check span does not carry flowlab.problem.type=duplicate-title.');
    }),

  'delete-event': (c) => {
    const span = c.spans.find((s) => s.name === 'outbox write');
    if (!span) return fail('No outbox write in this trace: only changes (create, change, delete) write an event.');
    const type = span.attributes['flowlab.outbox.event_type'];
    return type === 'todo.deleted'
      ? pass('The DELETE wrote a todo.deleted event in the same transaction as the delete itself.')
      : fail(`This outbox write is a ${type} event; the exercise asks for the event a delete writes.`);
  },

  'open-breaker': (c) => {
    const graph = find(c, 'graph write');
    if (!graph) return fail('No graph write in this trace: send a create (POST /todos).');
    const status = graph.attributes['flowlab.graph.status'];
    if (status === 'disabled')
      return fail(
        'The graph is disabled on this API (no NEO4J_URI), so there is no breaker to open. Start the API with Neo4j (see Running the services, in the Reference).',
      );
    // With the breaker open, the request does not even try: no circuit breaker span under graph write.
    const breaker = find(c, 'circuit breaker');
    if (status === 'pending' && !breaker)
      return pass(
        `The breaker was open: the graph write answered pending in ${graph.durationMs.toFixed(1)} ms without calling Neo4j, and the worker will apply it.`,
      );
    return fail(
      breaker
        ? `The breaker was ${breaker.attributes['flowlab.breaker.state']} and let the call through (${status}). Keep sending creates with Neo4j failing until it opens.`
        : `The graph write answered ${status}. Make Neo4j fail first.`,
    );
  },

  'slowest-span': (c) => {
    const inner = c.spans.filter((s) => s !== c.root && s.kind !== 'SERVER');
    const slowest = inner.sort((a, b) => b.durationMs - a.durationMs)[0];
    if (!slowest) return fail('Your trace has no spans under the SERVER span yet.');
    if (!c.answer.trim()) return wrongAnswer('Type the name of the slowest span under the SERVER span, then Check.');
    return c.answer.trim().toLowerCase() === slowest.name.toLowerCase()
      ? pass(
          `Yes: ${slowest.name} took ${slowest.durationMs.toFixed(1)} ms, the most of any span under ${c.root?.name}.`,
        )
      : wrongAnswer(
          `Not ${c.answer.trim()}. Compare the durations: the second command prints every span of your trace with its durationMs.`,
        );
  },

  'worker-applies': async (c) => {
    const graph = find(c, 'graph write');
    const outcome = graph?.attributes['flowlab.graph.status'];
    if (!graph) return fail('No graph write in this trace: send a create (POST /todos).');
    if (outcome === 'disabled')
      return fail('The graph is disabled on this API (no NEO4J_URI): there is no worker. Start the API with Neo4j.');
    if (outcome !== 'pending')
      return fail(`The inline graph write answered ${outcome}: the worker had nothing to do. Make Neo4j fail first.`);
    const stats = await fetch(`${apiBase}/graph/stats`, { headers: { Authorization: `Bearer ${c.token}` } });
    const body = (await stats.json().catch(() => ({}))) as { outbox?: { pending?: number } };
    const pending = body.outbox?.pending;
    return stats.ok && pending === 0
      ? pass('Your create went pending, and the outbox is empty now: the worker applied it to the graph.')
      : notYet(
          `Your create went pending; the outbox still has ${pending ?? 'unknown'} pending event(s). Clear the fault and give the worker a few seconds, then Check again.`,
        );
  },

  'make-415': (c) =>
    expectStatus(c, 415, () => {
      const failed = c.spans.filter((s) => s.status === 'error');
      return failed.length === 0
        ? pass(
            '415 unsupported-media-type, and no span in error: the client sent the wrong thing, the server did nothing wrong.',
          )
        : fail(`A 415, but ${failed.map((s) => s.name).join(', ')} in error.`);
    }),

  exemplar: async (c) => {
    const response = await fetch(`${apiBase}/metrics`, { headers: { Accept: 'application/openmetrics-text' } });
    const text = await response.text();
    return text.includes(`trace_id="${c.traceId}"`)
      ? pass(`Your trace id is an exemplar of ${c.root?.name}: a metric points at your very request.`)
      : fail(
          'Your request is traced, but its trace id is no exemplar now: a later request in the same bucket replaced it. Send it again and Check at once.',
        );
  },

  'span-log-trace': (c) => {
    const answer = c.answer.trim().replace(/"/g, '');
    if (!answer)
      return wrongAnswer("Open your request's SERVER span, then its log line, and paste its requestId; then Check.");
    const line = c.root?.logs?.find((l) => typeof l.fields.requestId === 'string');
    if (!line)
      return fail(
        `Your request's SERVER span has no log line in the API's recent logs (RECENT_TRACES_MAX=0, or the line is gone): send the request again.`,
      );
    return answer === line.fields.requestId
      ? pass(
          `Yes: the line your SERVER span (${line.spanId}) wrote. Its trace_id and span_id lead back here, from stdout, the log search or VictoriaLogs.`,
        )
      : wrongAnswer(
          `${answer} is not the requestId of your request's log line: open the ${c.root?.name} span of trace ${c.traceId}.`,
        );
  },
};

/** The exercises that need Neo4j: on the embedded default, Check says so before anything else. */
export const needsGraph = new Set(['open-breaker', 'worker-applies']);

/** Whether this API runs without a graph (no NEO4J_URI), as its readiness check says. */
export async function graphDisabled(): Promise<boolean> {
  const response = await fetch(`${apiBase}/readyz`).catch(() => undefined);
  const body = (await response?.json().catch(() => ({}))) as { checks?: { neo4j?: { status?: string } } };
  return body.checks?.neo4j?.status === 'disabled';
}

export const GRAPH_DISABLED =
  'The graph is disabled on this API (no NEO4J_URI): there is no breaker and no worker to watch. Start the API with Neo4j (see the README), then run the commands again.';

export function contextFor(
  traceId: string,
  parentId: string,
  tree: SpanNode[],
  answer: string,
  token: string,
): CheckContext {
  // Sent twice with one traceparent, a trace holds one SERVER span per request: the newest is the
  // attempt the learner just made, and only its own spans are judged.
  const servers = allSpans(tree)
    .filter((s) => s.kind === 'SERVER')
    .sort((a, b) => a.startTime - b.startTime);
  const root = servers.filter((s) => s.parentSpanId === parentId).at(-1) ?? servers.at(-1);
  const spans = root ? allSpans([root]) : allSpans(tree);
  return { traceId, parentId, tree, spans, root, answer, token };
}
