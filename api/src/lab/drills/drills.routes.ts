/**
 * The incident drills over HTTP (LAB_MODE=1 and the admin token, like the fault switches):
 *   GET    /lab/drills                        the drills, and which this lab can run
 *   POST   /lab/drills/{drillId}/start        start one (a hidden cause, faults, background load)
 *   GET    /lab/drills/current                the drill running (or the last one, with its debrief)
 *   POST   /lab/drill-runs/{runId}/lease  the page is still open: keep the drill alive
 *   POST   /lab/drill-runs/{runId}/hint   the next hint (three at most)
 *   POST   /lab/drill-runs/{runId}/answer {cause, traceId}: checked against the trace
 *   DELETE /lab/drill-runs/{runId}        give up: the cause, and faults restored
 */
import { z } from '@hono/zod-openapi';
import { ProblemError } from '../../errors/problem.ts';
import { defineRoute } from '../../http/access.ts';
import { bodyProblems, createRouter, jsonBody, jsonContent, problemResponses } from '../../http/openapi.ts';
import { causes, drills } from './catalogue.ts';
import type { DrillRunner } from './drill-runner.ts';

const tags = ['lab'];

const DrillSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    symptom: z.string(),
    runnable: z.boolean(),
    needs: z.array(z.enum(['redis', 'neo4j'])),
  })
  .openapi('DrillSummary');

const DebriefSchema = z
  .object({
    cause: z.object({ id: z.string(), label: z.string() }),
    evidence: z.object({ traceId: z.string(), found: z.string() }).optional(),
    path: z.array(z.string()),
    fix: z.string(),
    attempts: z.number().int(),
    hintsUsed: z.number().int(),
    tookMs: z.number(),
  })
  .openapi('DrillDebrief');

const DrillSchema = z
  .object({
    runId: z.string().uuid(),
    drillId: z.string(),
    title: z.string(),
    symptom: z.string(),
    state: z.enum(['running', 'solved', 'ended']),
    startedAt: z.string().datetime(),
    leaseExpiresAt: z.string().datetime(),
    hints: z.array(z.string()).max(3),
    attempts: z.number().int(),
    choices: z.array(z.object({ id: z.string(), label: z.string() })),
    endedBecause: z.string().optional(),
    debrief: DebriefSchema.optional(),
  })
  .openapi('Drill');

const AnswerSchema = z
  .strictObject({
    cause: z.enum(Object.keys(causes) as [string, ...string[]]).openapi({ example: 'postgresql-slow' }),
    traceId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'must be a trace id: 32 lowercase hex digits')
      .openapi({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }),
  })
  .openapi('DrillAnswer');

const VerdictSchema = z
  .object({ correct: z.boolean(), message: z.string(), drill: DrillSchema })
  .openapi('DrillVerdict');

const DrillIdParams = z.object({
  drillId: z.enum(drills.map((d) => d.id) as [string, ...string[]]).openapi({ param: { name: 'drillId', in: 'path' } }),
});
const RunIdParams = z.object({
  runId: z
    .string()
    .uuid('must be a drill run id (a UUID)')
    .openapi({ param: { name: 'runId', in: 'path' } }),
});

const list = defineRoute('admin', {
  method: 'get',
  path: '/drills',
  operationId: 'listDrills',
  tags,
  summary: 'The incident drills, and which this lab can run',
  responses: {
    200: jsonContent(z.object({ drills: z.array(DrillSummarySchema) }), 'The drills'),
    ...problemResponses('invalid-token'),
  },
});

const start = defineRoute('admin', {
  method: 'post',
  path: '/drills/{drillId}/start',
  operationId: 'startDrill',
  tags,
  summary: 'Start a drill: a hidden cause, its faults and a background load',
  request: { params: DrillIdParams },
  responses: {
    201: jsonContent(DrillSchema, 'The drill, running'),
    ...problemResponses('invalid-token', 'validation-failed', 'drill-running', 'drill-unavailable'),
  },
});

const current = defineRoute('admin', {
  method: 'get',
  path: '/drills/current',
  operationId: 'currentDrill',
  tags,
  summary: 'The drill running, or the last one with its debrief',
  responses: {
    200: jsonContent(DrillSchema, 'The drill'),
    ...problemResponses('invalid-token', 'not-found'),
  },
});

const runAction = (path: string, operationId: string, summary: string) =>
  defineRoute('admin', {
    method: 'post',
    path: `/drill-runs/{runId}/${path}`,
    operationId,
    tags,
    summary,
    request: { params: RunIdParams },
    responses: {
      200: jsonContent(DrillSchema, 'The drill'),
      ...problemResponses('invalid-token', 'validation-failed', 'not-found', 'drill-not-running'),
    },
  });

const lease = runAction('lease', 'renewDrillLease', 'Keep the drill alive: the page is open');
const hint = runAction('hint', 'drillHint', 'The next hint (three at most)');

const answer = defineRoute('admin', {
  method: 'post',
  path: '/drill-runs/{runId}/answer',
  operationId: 'answerDrill',
  tags,
  summary: 'Answer with a cause and a trace that shows it; the lab checks the trace',
  request: { params: RunIdParams, body: jsonBody(AnswerSchema) },
  responses: {
    200: jsonContent(VerdictSchema, 'Right (the drill ends, with its debrief) or wrong (with the next hint)'),
    ...problemResponses('invalid-token', ...bodyProblems, 'not-found', 'drill-not-running'),
  },
});

const giveUp = defineRoute('admin', {
  method: 'delete',
  path: '/drill-runs/{runId}',
  operationId: 'giveUpDrill',
  tags,
  summary: 'Give up: the drill ends, its faults are restored and the debrief names the cause',
  request: { params: RunIdParams },
  responses: {
    200: jsonContent(DrillSchema, 'The drill, ended'),
    ...problemResponses('invalid-token', 'validation-failed', 'not-found', 'drill-not-running'),
  },
});

export function drillRoutes(deps: { drills: DrillRunner }) {
  const { drills: runner } = deps;
  return createRouter()
    .openapi(list, (c) => c.json({ drills: runner.catalogue() }, 200))
    .openapi(start, async (c) => c.json(await runner.start(c.req.valid('param').drillId), 201))
    .openapi(current, (c) => {
      const drill = runner.current();
      if (!drill) throw new ProblemError('not-found', { detail: 'No drill has run since the API started.' });
      return c.json(drill, 200);
    })
    .openapi(lease, (c) => c.json(runner.renew(c.req.valid('param').runId), 200))
    .openapi(hint, (c) => c.json(runner.hint(c.req.valid('param').runId), 200))
    .openapi(answer, (c) => c.json(runner.answer(c.req.valid('param').runId, c.req.valid('json')), 200))
    .openapi(giveUp, (c) => c.json(runner.giveUp(c.req.valid('param').runId), 200));
}
