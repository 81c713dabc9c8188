/**
 * Does this trace show the drill's cause? The learner names a trace id; the check reads that trace
 * from the API's recent traces (every owner's: the drill's load runs as lab users) and looks for
 * the span that proves the cause, the way an engineer would point at it: a step that waited on the
 * database, a cache hit that took longer than a read, a failed graph write, a 429 on a login.
 *
 * The answer says what was found (a span name, a duration, a status) so the debrief can quote it,
 * or why the trace does not show it, so a wrong answer says what to look at next.
 */
import type { SpanNode } from '../../trace-views/span-tree.ts';
import type { Evidence } from './catalogue.ts';

export type EvidenceVerdict = { shows: true; found: string } | { shows: false; reason: string };

const CACHE_OUTCOME = 'flowlab.cache.outcome';

function systemOf(span: SpanNode): string | undefined {
  const system = span.attributes['db.system.name'] ?? span.attributes['db.system'];
  return typeof system === 'string' ? system : undefined;
}

/** Every span of the tree with its ancestors' names, without recursion (a tree may be deep). */
function flatten(tree: SpanNode[]): SpanNode[] {
  const out: SpanNode[] = [];
  const stack = [...tree].reverse();
  while (stack.length > 0) {
    const span = stack.pop() as SpanNode;
    out.push(span);
    for (let i = span.children.length - 1; i >= 0; i--) stack.push(span.children[i] as SpanNode);
  }
  return out;
}

function touches(span: SpanNode, target: 'postgresql' | 'cache' | 'neo4j'): boolean {
  if (target === 'cache') return span.name === 'cache lookup';
  if (target === 'neo4j') return systemOf(span) === 'neo4j' || span.name === 'graph write';
  return systemOf(span) === 'postgresql' || systemOf(span) === 'pglite';
}

/** The span (with its subtree) that waited on `target`, slowest first. */
function waitsOn(all: SpanNode[], target: 'postgresql' | 'cache' | 'neo4j'): SpanNode[] {
  return all
    .filter((span) => {
      if (span.kind === 'SERVER') return false;
      // A cache hit touches no database: its time is the cache's own. A miss also reads the
      // database, so a slow miss proves nothing about the cache.
      if (target === 'cache') return touches(span, 'cache') && span.attributes[CACHE_OUTCOME] === 'hit';
      return flatten([span]).some((inner) => touches(inner, target));
    })
    .sort((a, b) => b.durationMs - a.durationMs);
}

const ms = (value: number) => `${Math.round(value)} ms`;

export function checkEvidence(tree: SpanNode[], evidence: Evidence): EvidenceVerdict {
  const all = flatten(tree);
  const root = all.find((span) => span.kind === 'SERVER') ?? all[0];
  switch (evidence.kind) {
    case 'slow': {
      const candidates = waitsOn(all, evidence.target);
      const slowest = candidates[0];
      if (!slowest) {
        return {
          shows: false,
          reason:
            evidence.target === 'cache'
              ? 'This trace has no cache hit in it: pick a read whose `cache lookup` says hit.'
              : 'Nothing in this trace waits on the dependency you suspect: pick a trace that goes through it.',
        };
      }
      if (slowest.durationMs < evidence.minMs) {
        return {
          shows: false,
          reason: `In this trace \`${slowest.name}\` took ${ms(slowest.durationMs)}: that is not slow. Pick a slower trace.`,
        };
      }
      return {
        shows: true,
        found: `\`${slowest.name}\` took ${ms(slowest.durationMs)} in ${root?.name ?? 'the trace'}`,
      };
    }
    case 'failed': {
      const failed = all.find(
        (span) =>
          span.status === 'error' &&
          (touches(span, evidence.target) || (span.statusMessage ?? '').includes(`injected ${evidence.target} error`)),
      );
      if (!failed) {
        const other = all.find((span) => span.status === 'error');
        return {
          shows: false,
          reason: other
            ? `This trace failed in \`${other.name}\`, but that span does not show the dependency you name.`
            : 'Nothing failed in this trace: filter the recent requests by status error.',
        };
      }
      return { shows: true, found: `\`${failed.name}\` failed: ${failed.statusMessage ?? 'error'}` };
    }
    case 'bypass': {
      const bypassed = all.find((span) => span.name === 'cache lookup' && span.attributes[CACHE_OUTCOME] === 'bypass');
      if (!bypassed) {
        const lookup = all.find((span) => span.name === 'cache lookup');
        return {
          shows: false,
          reason: lookup
            ? `Here \`cache lookup\` answered ${String(lookup.attributes[CACHE_OUTCOME])}: that read used the cache.`
            : 'This trace has no `cache lookup`: pick a read of the list (GET /todos).',
        };
      }
      return { shows: true, found: `\`cache lookup\` answered bypass in ${root?.name ?? 'the trace'}` };
    }
    case 'limited': {
      const status = root?.attributes['http.response.status_code'];
      const route = String(root?.attributes['http.route'] ?? root?.attributes['url.path'] ?? '');
      if (status !== 429)
        return { shows: false, reason: `This request answered ${String(status ?? 'nothing')}, not 429.` };
      if (!route.startsWith(evidence.routePrefix)) {
        return { shows: false, reason: `This 429 is on ${route}: it is not the limit the users complain about.` };
      }
      return { shows: true, found: `${root?.name ?? route} answered 429 (rate limited)` };
    }
  }
}
