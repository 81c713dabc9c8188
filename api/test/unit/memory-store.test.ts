/** The in-process cache store: bounded by bytes, in all and per owner. */
import { describe, expect, it } from 'vitest';
import { entryBytes, memoryStore } from '../../src/cache/store.ts';

const value = 'v'.repeat(1000);
const size = entryBytes('key-00', value);

describe('memory store', () => {
  it("evicts an owner's own oldest entries first, leaving the others' alone", async () => {
    const store = memoryStore({ maxEntries: 1000, maxBytes: size * 100, maxBytesPerOwner: size * 3 });
    await store.set('key-b0', value, 60, 'bob');
    for (let i = 0; i < 10; i++) await store.set(`key-0${i}`, value, 60, 'ada');
    expect(await store.get('key-b0')).toBe(value);
    expect(await store.get('key-09')).toBe(value);
    expect(await store.get('key-07')).toBe(value);
    expect(await store.get('key-06')).toBeUndefined();
  });

  it('keeps all owners together within maxBytes, and never stores an entry larger than a share', async () => {
    const store = memoryStore({ maxEntries: 1000, maxBytes: size * 4, maxBytesPerOwner: size * 3 });
    for (let i = 0; i < 6; i++) await store.set(`key-0${i}`, value, 60, `owner-${i}`);
    const kept = (await Promise.all([0, 1, 2, 3, 4, 5].map((i) => store.get(`key-0${i}`)))).filter(Boolean);
    expect(kept).toHaveLength(4);
    await store.set('huge', 'h'.repeat(size * 2), 60, 'ada');
    expect(await store.get('huge')).toBeUndefined();
  });

  it('counts a replaced entry once', async () => {
    const store = memoryStore({ maxEntries: 1000, maxBytes: size * 100, maxBytesPerOwner: size * 2 });
    for (let i = 0; i < 5; i++) await store.set('key-00', value, 60, 'ada');
    await store.set('key-01', value, 60, 'ada');
    expect(await store.get('key-00')).toBe(value);
    expect(await store.get('key-01')).toBe(value);
  });
});
