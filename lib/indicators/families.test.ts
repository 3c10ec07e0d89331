import { describe, expect, it } from 'vitest';
import { FAMILIES } from './families.test-support';
import { scanText } from './scanner';

describe.each(FAMILIES)('$title', ({ cases }) => {
  it.each(cases)('$text', ({ text, expect: expected }) => {
    const occurrences = scanText(text);
    expect(
      occurrences.map((o) => {
        const { decoded, wildcard, unlikely } = o.note ?? {};
        const note = {
          ...(decoded ? { decoded } : {}),
          ...(wildcard ? { wildcard } : {}),
          ...(unlikely ? { unlikely } : {}),
        };
        return Object.keys(note).length > 0 ? [o.type, o.value, note] : [o.type, o.value];
      }),
    ).toEqual(expected);
    // Every occurrence's offsets give back its characters as the text shows them.
    for (const o of occurrences) expect(text.slice(o.start, o.end)).toBe(o.original);
  });
});
