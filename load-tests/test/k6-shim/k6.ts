/** The shim's `k6` module: check, sleep, group, fail. See state.ts for what the shim does not emulate. */

import { contextTags, record, shimState, type Tags } from './state.ts';
import { blockFor } from './sync-fetch.ts';

export function check<T>(value: T, sets: Record<string, (value: T) => boolean>, tags: Tags = {}): boolean {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    // As in k6, a predicate that throws ends the iteration: the exception is not a failed check.
    const ok = Boolean(predicate(value));
    const checkTags = { ...contextTags(), ...tags, check: name };
    shimState().checks.push({ name, ok, tags: checkTags });
    record({ metric: 'checks', type: 'rate', value: ok ? 1 : 0, tags: checkTags });
    all &&= ok;
  }
  return all;
}

export function sleep(seconds: number): void {
  blockFor(seconds * 1000);
}

export function group<T>(_name: string, fn: () => T): T {
  return fn();
}

export function fail(reason = ''): never {
  throw new Error(reason);
}

export default { check, sleep, group, fail };
