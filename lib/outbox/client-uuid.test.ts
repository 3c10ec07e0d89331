import { describe, expect, it } from 'vitest';
import { itemUuid } from './client-uuid';

const KEY = '3f2a9c1e-5b7d-4e8a-9c6b-ffffffffffff';

describe('client uuids for the items of one write', () => {
  it('are stable per key and index, distinct from each other and from the key, and valid uuids', () => {
    const uuids = [0, 1, 2].map((index) => itemUuid(KEY, index));
    expect(uuids).toEqual([0, 1, 2].map((index) => itemUuid(KEY, index)));
    expect(new Set([...uuids, KEY]).size).toBe(4);
    for (const uuid of uuids)
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(itemUuid(KEY, 0)).toBe('3f2a9c1e-5b7d-4e8a-9c6b-000000000000');
    expect(() => itemUuid('not-a-uuid', 0)).toThrow();
  });
});
