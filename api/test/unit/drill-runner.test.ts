/**
 * The drill runner's rules, on the real fault switches: one drill at a time, the cause hidden
 * until the end, hints earned by wrong answers (three at most), and every way a drill ends puts
 * the faults back as they were and stops the load. The evidence itself is checked on real traces
 * by test/smoke/drills.test.ts.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { causes, drills } from '../../src/lab/drills/catalogue.ts';
import type { DrillLoad } from '../../src/lab/drills/drill-load.ts';
import { createDrillRunner } from '../../src/lab/drills/drill-runner.ts';
import { createFaults } from '../../src/lab/faults.ts';
import type { SpanNode } from '../../src/trace-views/span-tree.ts';

function recordingLoad() {
  const calls: string[] = [];
  const load: DrillLoad = {
    running: false,
    sent: {},
    start: async (shape) => void calls.push(`start ${shape ?? 'plain'}`),
    stop: () => void calls.push('stop'),
  };
  return { load, calls };
}

function span(partial: Partial<SpanNode>): SpanNode {
  return {
    traceId: 'a'.repeat(32),
    spanId: Math.random().toString(16).slice(2, 18).padEnd(16, '0'),
    name: 'span',
    kind: 'INTERNAL',
    startTime: Date.now(),
    durationMs: 1,
    status: 'unset',
    attributes: {},
    events: [],
    links: [],
    children: [],
    ...partial,
  };
}

describe('the drill runner', () => {
  const logger = pino({ level: 'silent' });
  let clock = 1_000_000;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = Date.now();
  });
  afterEach(() => vi.useRealTimers());

  function makeRunner(options: { random?: number; tree?: SpanNode[]; neo4j?: boolean } = {}) {
    const faults = createFaults(() => 1);
    faults.set('redis', { latencyMs: 5, errorRate: 0 });
    const { load, calls } = recordingLoad();
    const drills = createDrillRunner({
      faults,
      available: new Set(options.neo4j ? ['neo4j'] : []),
      load,
      readTrace: () => options.tree,
      logger,
      random: () => options.random ?? 0,
      now: () => clock,
    });
    return { drills, faults, calls };
  }

  it('lists every drill, and says which need the services', () => {
    const { drills: runner } = makeRunner();
    const listed = runner.catalogue();
    expect(listed.length).toBeGreaterThanOrEqual(8);
    expect(listed.find((d) => d.id === 'graph-pending')).toMatchObject({ runnable: false, needs: ['neo4j'] });
    expect(listed.find((d) => d.id === 'slow-create')).toMatchObject({ runnable: true, needs: [] });
    // Every drill names causes that exist, and on the embedded default at least one can run.
    for (const drill of drills) for (const id of drill.causes) expect(causes[id], id).toBeDefined();
  });

  it('runs one drill at a time, hides its faults from the view, and refuses a drill this lab cannot run', async () => {
    const { drills: runner, faults, calls } = makeRunner();
    await expect(runner.start('graph-pending')).rejects.toMatchObject({ slug: 'drill-unavailable' });
    const view = await runner.start('slow-create');
    expect(runner.locked).toBe(true);
    // random() = 0: the first cause this lab can run.
    expect(faults.list()).toEqual({ postgresql: { latencyMs: 250, errorRate: 0 } });
    // The cause is among the choices, like every other, and nowhere else in what the page reads.
    expect(view).not.toHaveProperty('cause');
    expect(view.debrief).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain(causes['postgresql-slow']?.look);
    expect(view.choices.length).toBe(Object.keys(causes).length);
    await expect(runner.start('slow-lists')).rejects.toMatchObject({ slug: 'drill-running' });
    expect(calls).toEqual(['start plain']);
  });

  it('gives a hint for each wrong answer, three at most, then solves on the right cause with evidence', async () => {
    const root = span({ kind: 'SERVER', name: 'POST /todos', startTime: clock + 10, durationMs: 300 });
    const step = span({ name: 'outbox write', startTime: clock + 20, durationMs: 260 });
    step.children.push(
      span({
        name: 'INSERT todos',
        startTime: clock + 21,
        durationMs: 255,
        attributes: { 'db.system.name': 'postgresql' },
      }),
    );
    root.children.push(step);
    const { drills: runner, faults, calls } = makeRunner({ tree: [root] });
    const { runId } = await runner.start('slow-create');
    const traceId = 'b'.repeat(32);
    for (let i = 1; i <= 4; i++) {
      const wrong = runner.answer(runId, { cause: 'cache-slow', traceId });
      expect(wrong.correct).toBe(false);
      expect(wrong.drill.hints).toHaveLength(Math.min(i, 3));
    }
    // The third hint is the cause's own: where to look.
    expect(runner.current()?.hints[2]).toBe(causes['postgresql-slow']?.look);
    const right = runner.answer(runId, { cause: 'postgresql-slow', traceId });
    expect(right.correct).toBe(true);
    expect(right.drill.debrief).toMatchObject({
      cause: { id: 'postgresql-slow' },
      evidence: { traceId, found: expect.stringContaining('outbox write') },
      attempts: 4,
    });
    // The learner's own switch is back; the drill's is gone; the load stopped.
    expect(faults.list()).toEqual({ redis: { latencyMs: 5, errorRate: 0 } });
    expect(calls.at(-1)).toBe('stop');
    expect(runner.locked).toBe(false);
    expect(() => runner.answer(runId, { cause: 'postgresql-slow', traceId })).toThrow(/ended/);
  });

  it('refuses evidence from before the drill, and a trace that does not show the cause', async () => {
    const before = span({ kind: 'SERVER', name: 'GET /todos', startTime: clock - 5_000, durationMs: 400 });
    const { drills: r1 } = makeRunner({ tree: [before] });
    const one = await r1.start('slow-create');
    expect(r1.answer(one.runId, { cause: 'postgresql-slow', traceId: 'c'.repeat(32) }).message).toMatch(
      /before the drill/,
    );

    const fast = span({ kind: 'SERVER', name: 'GET /todos', startTime: clock + 1, durationMs: 3 });
    fast.children.push(span({ name: 'SELECT todos', durationMs: 2, attributes: { 'db.system.name': 'postgresql' } }));
    const { drills: r2 } = makeRunner({ tree: [fast] });
    const two = await r2.start('slow-create');
    const verdict = r2.answer(two.runId, { cause: 'postgresql-slow', traceId: 'c'.repeat(32) });
    expect(verdict.correct).toBe(false);
    expect(verdict.message).toMatch(/not slow/);
  });

  it('ends when its lease runs out, and puts the faults back', async () => {
    const { drills: runner, faults, calls } = makeRunner();
    const { runId } = await runner.start('slow-lists');
    clock += 40_000;
    vi.advanceTimersByTime(5_000);
    runner.renew(runId);
    clock += 40_000;
    vi.advanceTimersByTime(5_000);
    expect(runner.locked).toBe(true);
    clock += 30_000;
    vi.advanceTimersByTime(5_000);
    expect(runner.current()).toMatchObject({ state: 'ended', endedBecause: expect.stringMatching(/lease/) });
    expect(faults.list()).toEqual({ redis: { latencyMs: 5, errorRate: 0 } });
    expect(calls.at(-1)).toBe('stop');
  });

  it('grows the faults of a growing cause, and ends on dispose', async () => {
    const { drills: runner, faults } = makeRunner();
    await runner.start('latency-growing');
    const first = faults.list().postgresql?.latencyMs;
    clock += 61_000;
    runner.renew(runner.current()?.runId ?? '');
    vi.advanceTimersByTime(5_000);
    expect(faults.list().postgresql?.latencyMs).toBe((first ?? 0) * 2);
    runner.dispose();
    expect(runner.current()?.endedBecause).toMatch(/shut down/);
    expect(faults.list()).toEqual({ redis: { latencyMs: 5, errorRate: 0 } });
  });
});
