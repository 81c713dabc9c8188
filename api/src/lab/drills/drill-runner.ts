/**
 * Runs one drill at a time: draws a hidden cause, switches its faults on and the background load,
 * takes the learner's answers (a cause and a trace id as evidence), gives hints, and ends with a
 * debrief that quotes the learner's own evidence.
 *
 * Safe by construction: a drill ends (faults restored to what they were, load stopped) when it is
 * solved, given up, when its lease runs out (the page renews it while it is open: a closed tab
 * ends the drill within a minute), after `maxMs`, and on shutdown (dispose). What the page reads
 * never names the cause before the end.
 */
import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { ProblemError } from '../../errors/problem.ts';
import type { SpanNode } from '../../trace-views/span-tree.ts';
import type { Fault, Faults, FaultTarget } from '../faults.ts';
import { type Cause, causes, type Drill, drills, findDrill, type Need, possibleCauses } from './catalogue.ts';
import type { DrillLoad } from './drill-load.ts';
import { checkEvidence } from './evidence.ts';

export interface DrillRunnerDeps {
  faults: Faults;
  /** What this lab runs with besides the API (Redis, Neo4j). */
  available: ReadonlySet<Need>;
  load: DrillLoad;
  /** A trace from the recent traces, whoever it belongs to (the drill's load runs as lab users). */
  readTrace(traceId: string): SpanNode[] | undefined;
  logger: Logger;
  random?: () => number;
  now?: () => number;
  /** How long a drill lives without the page renewing it. */
  leaseMs?: number;
  /** The longest a drill runs, renewed or not. */
  maxMs?: number;
}

export interface DrillSummary {
  id: string;
  title: string;
  symptom: string;
  /** False when none of its causes can run in this lab; `needs` then says what to start. */
  runnable: boolean;
  needs: Need[];
}

export interface Debrief {
  cause: { id: string; label: string };
  /** The learner's own evidence, when they found it (absent when they gave up). */
  evidence?: { traceId: string; found: string };
  path: string[];
  fix: string;
  attempts: number;
  hintsUsed: number;
  tookMs: number;
}

export interface DrillView {
  runId: string;
  drillId: string;
  title: string;
  symptom: string;
  state: 'running' | 'solved' | 'ended';
  startedAt: string;
  leaseExpiresAt: string;
  /** The hints given so far, first to last (at most three). */
  hints: string[];
  attempts: number;
  /** Every cause the lab knows: the answer is one of them. */
  choices: { id: string; label: string }[];
  /** Why it ended, when it ended without being solved. */
  endedBecause?: string;
  debrief?: Debrief;
}

export interface Answer {
  correct: boolean;
  message: string;
  drill: DrillView;
}

interface Run {
  runId: string;
  drill: Drill;
  cause: Cause;
  startedAt: number;
  leaseUntil: number;
  hints: number;
  attempts: number;
  state: DrillView['state'];
  endedBecause?: string;
  debrief?: Debrief;
  saved: Partial<Record<FaultTarget, Fault>>;
  timer?: NodeJS.Timeout;
}

const choices = Object.values(causes).map(({ id, label }) => ({ id, label }));

export function createDrillRunner(deps: DrillRunnerDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxMs = deps.maxMs ?? 20 * 60_000;
  let run: Run | undefined;

  function view(r: Run): DrillView {
    return {
      runId: r.runId,
      drillId: r.drill.id,
      title: r.drill.title,
      symptom: r.drill.symptom,
      state: r.state,
      startedAt: new Date(r.startedAt).toISOString(),
      leaseExpiresAt: new Date(r.leaseUntil).toISOString(),
      hints: [...r.drill.hints, r.cause.look].slice(0, r.hints),
      attempts: r.attempts,
      choices,
      ...(r.endedBecause && { endedBecause: r.endedBecause }),
      ...(r.debrief && { debrief: r.debrief }),
    };
  }

  function applyFaults(r: Run): void {
    const wanted = r.cause.faults(now() - r.startedAt);
    for (const [target, fault] of Object.entries(wanted) as [FaultTarget, Fault][]) deps.faults.set(target, fault);
  }

  /** Faults back to what they were before the drill, load stopped, timer cleared. */
  function finish(r: Run, state: 'solved' | 'ended', because?: string, evidence?: Debrief['evidence']): void {
    if (r.state !== 'running') return;
    clearInterval(r.timer);
    deps.load.stop();
    deps.faults.reset();
    for (const [target, fault] of Object.entries(r.saved) as [FaultTarget, Fault][]) deps.faults.set(target, fault);
    r.state = state;
    r.endedBecause = because;
    r.debrief = {
      cause: { id: r.cause.id, label: r.cause.label },
      ...(evidence && { evidence }),
      path: r.cause.path,
      fix: r.cause.fix,
      attempts: r.attempts,
      hintsUsed: r.hints,
      tookMs: now() - r.startedAt,
    };
    deps.logger.info(
      { drill: r.drill.id, runId: r.runId, cause: r.cause.id, state, because, attempts: r.attempts },
      `drill ${state}`,
    );
  }

  function running(runId: string): Run {
    if (!run || run.runId !== runId) throw new ProblemError('not-found', { detail: `No drill ${runId} here.` });
    if (run.state !== 'running') {
      throw new ProblemError('drill-not-running', {
        detail: `This drill has ended (${run.endedBecause ?? run.state}).`,
      });
    }
    return run;
  }

  return {
    catalogue(): DrillSummary[] {
      return drills.map((drill) => {
        const runnable = possibleCauses(drill, deps.available).length > 0;
        const needs = [...new Set(drill.causes.flatMap((id) => causes[id]?.needs ?? []))];
        return { id: drill.id, title: drill.title, symptom: drill.symptom, runnable, needs };
      });
    },

    /** True while a drill runs: the fault switches are its, and the lab's routes leave them alone. */
    get locked(): boolean {
      return run?.state === 'running';
    },

    current(): DrillView | undefined {
      return run && view(run);
    },

    async start(drillId: string): Promise<DrillView> {
      const drill = findDrill(drillId);
      if (!drill) throw new ProblemError('not-found', { detail: `There is no drill ${drillId}.` });
      if (run?.state === 'running') {
        throw new ProblemError('drill-running', {
          detail: `The drill "${run.drill.title}" is running: finish it or give it up first.`,
          extensions: { runId: run.runId },
        });
      }
      const possible = possibleCauses(drill, deps.available);
      const cause = possible[Math.floor(random() * possible.length)];
      if (!cause) {
        throw new ProblemError('drill-unavailable', {
          detail: `This drill needs ${[...new Set(drill.causes.flatMap((id) => causes[id]?.needs ?? []))].join(' and ')}: start the API with the services (npm run stack:up, then NEO4J_URI and REDIS_URL).`,
        });
      }
      const startedAt = now();
      const r: Run = {
        runId: randomUUID(),
        drill,
        cause,
        startedAt,
        leaseUntil: startedAt + leaseMs,
        hints: 0,
        attempts: 0,
        state: 'running',
        saved: deps.faults.list(),
      };
      run = r;
      deps.faults.reset();
      applyFaults(r);
      // Every few seconds: the lease and the time limit, and the faults of a cause that grows.
      // Outside the start request's context: its log lines belong to no request's trace.
      r.timer = context.with(ROOT_CONTEXT, () =>
        setInterval(() => {
          if (now() > r.leaseUntil) finish(r, 'ended', 'the page stopped renewing its lease');
          else if (now() - r.startedAt > maxMs) finish(r, 'ended', 'time is up');
          else applyFaults(r);
        }, 5_000),
      );
      r.timer.unref();
      deps.logger.info({ drill: drill.id, runId: r.runId }, 'drill started');
      // Not awaited: making the load's users (password hashing) can take seconds on a busy machine.
      context
        .with(ROOT_CONTEXT, () => deps.load.start(cause.load))
        .catch((error) => deps.logger.warn({ err: error }, 'the drill load did not start'));
      return view(r);
    },

    renew(runId: string): DrillView {
      const r = running(runId);
      r.leaseUntil = now() + leaseMs;
      return view(r);
    },

    hint(runId: string): DrillView {
      const r = running(runId);
      r.hints = Math.min(3, r.hints + 1);
      return view(r);
    },

    answer(runId: string, given: { cause: string; traceId: string }): Answer {
      const r = running(runId);
      const tree = deps.readTrace(given.traceId);
      const wrong = (message: string): Answer => {
        r.attempts += 1;
        // A wrong answer earns the next hint, up to the third.
        r.hints = Math.min(3, Math.max(r.hints, r.attempts));
        return { correct: false, message, drill: view(r) };
      };
      if (!tree || tree.length === 0) {
        return wrong(`The API has no trace ${given.traceId} (any more): copy an id from the traces of this drill.`);
      }
      const first = Math.min(...tree.map((span) => span.startTime));
      if (first < r.startedAt) return wrong('This trace is from before the drill started: pick one from the drill.');
      const chosen = causes[given.cause];
      if (!chosen) return wrong(`"${given.cause}" is not one of the causes.`);
      const verdict = checkEvidence(tree, chosen.evidence);
      if (chosen.id !== r.cause.id) {
        return wrong(
          verdict.shows
            ? `This trace shows that (${verdict.found}), but it is not what is behind the symptom. Look further.`
            : `This trace does not show that: ${verdict.reason}`,
        );
      }
      if (!verdict.shows) return wrong(`Right idea, but this trace does not show it: ${verdict.reason}`);
      finish(r, 'solved', undefined, { traceId: given.traceId, found: verdict.found });
      return { correct: true, message: `Solved: ${verdict.found}.`, drill: view(r) };
    },

    giveUp(runId: string): DrillView {
      const r = running(runId);
      finish(r, 'ended', 'given up');
      return view(r);
    },

    /** Shutdown: whatever runs ends, and the faults are restored. */
    dispose(): void {
      if (run) finish(run, 'ended', 'the API shut down');
    },
  };
}

export type DrillRunner = ReturnType<typeof createDrillRunner>;
