/** The fault switches themselves: a shutdown ends them, and cuts short the delays being waited out. */
import { expect, it } from 'vitest';
import { createFaults, InjectedFaultError } from '../../src/lab/faults.ts';

it('endAll clears every fault and releases the calls waiting out a delay', async () => {
  const faults = createFaults(() => 0);
  faults.set('postgresql', { latencyMs: 30_000, errorRate: 1 });
  const waiting = faults.before('postgresql');
  faults.endAll();
  // Released at once and not failed: the call goes ahead as with no fault (a hang fails the test).
  await expect(waiting).resolves.toBeUndefined();
  expect(faults.list()).toEqual({});
  faults.set('cache', { latencyMs: 0, errorRate: 1 });
  await expect(faults.before('cache')).rejects.toBeInstanceOf(InjectedFaultError);
});
