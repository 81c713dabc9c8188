/** Reading a library error's `code` without trusting what was thrown. */
import { describe, expect, it } from 'vitest';
import { errorCode } from '../../src/errors/error-code.ts';

describe('errorCode', () => {
  it("reads a string code, as opossum's and Neo4j's errors carry it", () => {
    expect(errorCode(Object.assign(new Error('Breaker is open'), { code: 'EOPENBREAKER' }))).toBe('EOPENBREAKER');
  });

  it('is undefined for anything else that can be thrown', () => {
    for (const thrown of [null, undefined, 'ETIMEDOUT', 42, new Error('no code'), { code: 503 }]) {
      expect(errorCode(thrown)).toBeUndefined();
    }
  });
});
