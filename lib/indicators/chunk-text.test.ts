import { describe, expect, it } from 'vitest';
import { joinChunkRange, locateSpan, planChunkSlices } from './chunk-text';
import type { TextChunk } from './model';
import { scanText } from './scanner';

/** What the content script does with a page's chunks: join a slice, scan it, locate each hit. */
function scanSlice(chunks: readonly TextChunk[], from = 0, to = chunks.length) {
  const joined = joinChunkRange(chunks, from, to);
  return scanText(joined.text).map((o) => ({
    type: o.type,
    value: o.value,
    original: o.original,
    ...locateSpan(joined, o.start, o.end),
  }));
}

const chunk = (text: string, blockBreakBefore = false): TextChunk => ({ text, blockBreakBefore });

describe('joined chunks', () => {
  it('joins inline chunks: <code>evil</code>[.]com', () => {
    const chunks = [chunk('Contact '), chunk('evil'), chunk('[.]com'), chunk(' now')];
    const [o] = scanSlice(chunks);
    expect(o).toMatchObject({
      type: 'domain',
      value: 'evil.com',
      original: 'evil[.]com',
      start: { chunk: 1, offset: 0 },
      end: { chunk: 2, offset: 6 },
    });
  });

  it('joins syntax-highlighted spans and <wbr>-split text', () => {
    const chunks = [
      chunk('hxxps'),
      chunk('://'),
      chunk('evil'),
      chunk('[.]'),
      chunk('com/a'),
      chunk('/b.php'),
    ];
    expect(scanSlice(chunks).map((o) => o.value)).toEqual(['https://evil.com/a/b.php']);
  });

  it('does not glue words across block boundaries', () => {
    const chunks = [chunk('the end'), chunk('com', true), chunk('evil.com', true)];
    const occurrences = scanSlice(chunks);
    expect(occurrences.map((o) => o.value)).toEqual(['evil.com']);
    expect(occurrences[0]?.start).toEqual({ chunk: 2, offset: 0 });
    expect(occurrences[0]?.end).toEqual({ chunk: 2, offset: 8 });
  });

  it('finds the same occurrences slice by slice as in one pass', () => {
    const chunks: TextChunk[] = [];
    for (let i = 0; i < 200; i++) {
      chunks.push(
        chunk(`Row ${i}: host`, true),
        chunk(`${i}.evil`),
        chunk('[.]com'),
        chunk(` and 10.0.${i % 250}.1`),
      );
    }
    const whole = scanSlice(chunks);
    const slices = planChunkSlices(chunks, 500);
    expect(slices.length).toBeGreaterThan(5);
    expect(slices[0]?.from).toBe(0);
    expect(slices.at(-1)?.to).toBe(chunks.length);
    for (let i = 1; i < slices.length; i++) expect(slices[i]?.from).toBe(slices[i - 1]?.to);
    const sliced = slices.flatMap((s) => scanSlice(chunks, s.from, s.to));
    expect(sliced).toEqual(whole);
    expect(whole.length).toBe(400);
  });
});
