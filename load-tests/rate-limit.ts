/**
 * rate-limit (a drill): the 429 path, on purpose. One user creates todos as fast as it can until the API
 * refuses (the 11th within a minute), checks what a well-behaved client needs (Retry-After and the
 * RateLimit-* headers, a problem+json body), waits exactly as long as Retry-After says, and shows that a
 * create then succeeds. Twice (about 2 minutes). The 429s are expected: they are not failed requests.
 * Watch flowlab_rate_limit_rejections_total and the 429 line of the API's request rate.
 *
 *   k6 run load-tests/rate-limit.ts
 */
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';
import { limits } from './lib/config.ts';
import { scenarioOptions } from './lib/options.ts';
import { bodyJson, header, send } from './lib/request.ts';
import { type Problem, retryAfterSeconds } from './lib/steps.ts';
import { summaryFor } from './lib/summary.ts';
import { prepareRun, type RunData } from './lib/workloads.ts';

const rejections = new Counter('create_rejections');

export const options = scenarioOptions({
  scenarios: {
    burst: { executor: 'per-vu-iterations', exec: 'burst', vus: 1, iterations: 2, maxDuration: '3m' },
  },
  steps: ['register', 'login', 'create'],
  thresholds: {
    // The drill failed if the limit never answered.
    create_rejections: ['count>0'],
    checks: ['rate==1'],
  },
});

export function setup(): RunData {
  return prepareRun({ users: 1, seed: false });
}

function create(data: RunData, title: string) {
  return send({
    step: 'create',
    method: 'POST',
    path: '/todos',
    body: { title },
    token: data.users[0]?.token,
    expected: [201, 429],
  }).res;
}

export function burst(data: RunData): void {
  const iteration = `${data.runId} ${__ITER}`;
  let accepted = 0;
  let refused = create(data, `burst ${iteration} 0`);
  // Bounded: a limit that never answers ends the burst after twice the limit.
  for (let n = 1; refused.status === 201 && n < 2 * limits.createsPerUserPerMinute; n++) {
    accepted++;
    refused = create(data, `burst ${iteration} ${n}`);
  }
  const problem = bodyJson<Problem>(refused);
  check(refused, {
    'rate limit: the burst ends in a 429': (r) => r.status === 429,
    'rate limit: 429 carries Retry-After in seconds': (r) => /^\d+$/.test(header(r, 'Retry-After') ?? ''),
    'rate limit: RateLimit-Limit, -Remaining 0, -Reset': (r) =>
      header(r, 'RateLimit-Limit') === String(limits.createsPerUserPerMinute) &&
      header(r, 'RateLimit-Remaining') === '0' &&
      /^\d+$/.test(header(r, 'RateLimit-Reset') ?? ''),
    'rate limit: a problem+json of type rate-limited': (r) =>
      (header(r, 'Content-Type') ?? '').startsWith('application/problem+json') &&
      (problem?.type ?? '').endsWith('/rate-limited'),
    // The first burst starts on an empty window; the second, after one Retry-After, has one slot.
    'rate limit: no create beyond the limit was accepted': () => accepted <= limits.createsPerUserPerMinute,
  });
  if (refused.status !== 429) return;
  rejections.add(1);
  const wait = retryAfterSeconds(refused);
  console.log(`rate limit: ${accepted} creates accepted, then 429; waiting ${wait} s as Retry-After says`);
  sleep(wait);
  const again = create(data, `after the wait ${iteration}`);
  check(again, { 'rate limit: after Retry-After, a create succeeds': (r) => r.status === 201 });
}

export const handleSummary = summaryFor('rate-limit');
