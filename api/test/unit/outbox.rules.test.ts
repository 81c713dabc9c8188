/** The outbox's pure rules: backoff with jitter, and what counts as an outage. */
import { describe, expect, it } from 'vitest';
import { isGraphOutage } from '../../src/graph/breaker.ts';
import { InjectedFaultError } from '../../src/lab/faults.ts';
import { retryDelaySeconds } from '../../src/outbox/retry-policy.ts';

const policy = { maxAttempts: 8, baseSeconds: 1, maxSeconds: 300, outageHoldSeconds: 3 };

describe('retry backoff', () => {
  it('doubles with each attempt, between half and all of the ceiling', () => {
    expect(retryDelaySeconds(1, policy, () => 0)).toBe(0.5);
    expect(retryDelaySeconds(1, policy, () => 1)).toBe(1);
    expect(retryDelaySeconds(4, policy, () => 0)).toBe(4);
    expect(retryDelaySeconds(4, policy, () => 1)).toBe(8);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelaySeconds(30, policy, () => 1)).toBe(300);
  });

  it('spreads retries that failed together (jitter)', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelaySeconds(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(2);
  });
});

describe('outage or bad event', () => {
  it.each([
    [{ code: 'ServiceUnavailable' }, true],
    [{ code: 'SessionExpired' }, true],
    [{ code: 'Neo.TransientError.General.DatabaseUnavailable' }, true],
    [{ code: 'EOPENBREAKER' }, true],
    [{ code: 'ETIMEDOUT' }, true],
    [new InjectedFaultError('neo4j'), true],
    [{ code: 'Neo.ClientError.Statement.SyntaxError' }, false],
    [new Error('no graph handler'), false],
  ])('%o is an outage: %s', (error, outage) => {
    expect(isGraphOutage(error)).toBe(outage);
  });
});
