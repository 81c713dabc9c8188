/**
 * Grafana's test types, each run under the harness against a real `npm start` (PostgreSQL, Redis, Neo4j,
 * the default rate limits): setup(), three iterations of each scenario function, teardown(),
 * handleSummary(). A fresh server per file, so each setup() has the auth limit's whole minute to itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullServer, startFullServer } from '../../api/test/helpers/full-server.ts';
import { loadScenario, type ScenarioRun } from './harness.ts';
import {
  expectBoundedTags,
  expectEveryRequestTraced,
  expectSummaryFiles,
  expectThresholdsMet,
} from './scenario-assertions.ts';

describe.each(['smoke', 'average-load', 'stress', 'spike', 'soak', 'breakpoint'])('%s', (scenario) => {
  let full: FullServer;
  let run: ScenarioRun;

  beforeAll(async () => {
    full = await startFullServer();
    run = await loadScenario(`${scenario}.ts`, { API_URL: full.server.base });
    run.setup();
    run.iterate('writers', 3);
    // Readers on two VUs: each VU keeps its own user.
    run.iterate('readers', 4, [1, 2]);
    run.teardown();
  });

  afterAll(async () => full?.stop());

  it('runs setup, the iterations and teardown with every check passing', () => {
    expect(run.errors).toEqual([]);
    expect(run.state.aborted).toBeUndefined();
    expect(run.failedChecks()).toEqual([]);
    const steps = new Set(run.state.requests.map((r) => r.tags.step));
    for (const step of ['register', 'login', 'create', 'list', 'read', 'complete', 'related', 'delete']) {
      expect(steps, step).toContain(step);
    }
  });

  it('registers enough users that nothing meets the rate limit, and no request fails', () => {
    expect(run.state.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(
      run.state.requests
        .filter((r) => r.failed)
        .map((r) => `${r.method} ${r.url} ${r.status} ${Math.round(r.durationMs)} ms ${r.bodyStart}`),
    ).toEqual([]);
  });

  it('gives every request its own traceparent, continued by the API', () => expectEveryRequestTraced(run));

  it('tags every request with its step and a bounded name', () => expectBoundedTags(run));

  it('would pass its thresholds', () => expectThresholdsMet(run));

  it('writes a text and a JSON summary', () => expectSummaryFiles(run, scenario));
});
