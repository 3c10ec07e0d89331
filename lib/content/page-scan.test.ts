// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { extractTexts } from '../indicators/extract-texts';
import { ExtractionSchema } from '../indicators/page-indicators';
import {
  type ExtractTexts,
  MAX_OCCURRENCES_PER_VALUE,
  occurrenceRange,
  pruneDetached,
  scanRoots,
  viewportRun,
} from './page-scan';
import type { DomTextChunk } from './text-walker';

/** The background's extraction, called in-process, counting the requests and the text they carry. */
function localExtract(): ExtractTexts & { requests: number; chars: number } {
  const extract = Object.assign(
    async (texts: string[]) => {
      extract.requests++;
      extract.chars += texts.reduce((sum, text) => sum + text.length, 0);
      return extractTexts(texts);
    },
    { requests: 0, chars: 0 },
  );
  return extract;
}

describe('scanRoots', () => {
  beforeEach(() => {
    document.body.replaceChildren();
  });

  it('maps what the background found back to the text nodes, across inline elements', async () => {
    document.body.innerHTML = `<p>C2: <code>evil</code>[.]com and 10.1.2[.]3</p><p>sha256 ${'a'.repeat(64)}</p>`;
    const result = await scanRoots([document.body], { extract: localExtract() });
    expect([...result.indicators.values()].map((i) => [i.type, i.value, i.original])).toEqual(
      [
        ['domain', 'evil.com', 'evil[.]com'],
        ['ipv4', '10.1.2.3', '10.1.2[.]3'],
        ['sha256', 'a'.repeat(64)],
      ].map(([type, value, original]) => [type, value, original ?? value]),
    );
    const texts = result.occurrences.map((occurrence) => occurrenceRange(occurrence)?.toString());
    expect(texts).toEqual(['evil[.]com', '10.1.2[.]3', 'a'.repeat(64)]);
    const [domain] = result.occurrences;
    expect(domain?.startNode.parentElement?.tagName).toBe('CODE');
    expect(domain?.endNode.parentElement?.tagName).toBe('P');
  });

  it('sends a big page in several requests of about 512 KB, and counts every occurrence', async () => {
    const paragraph = `<p>${'plain words here and there '.repeat(300)} seen at evil-site.com</p>`;
    document.body.innerHTML = paragraph.repeat(150);
    const extract = localExtract();
    const result = await scanRoots([document.body], { extract });
    expect(extract.chars).toBeGreaterThan(1_000_000);
    expect(extract.requests).toBe(Math.ceil(extract.chars / (512 * 1024)));
    expect(result.indicators.get('evil-site.com')?.count).toBe(150);
    // Marks are capped per value; the count stays true.
    expect(result.occurrences.length).toBe(Math.min(150, MAX_OCCURRENCES_PER_VALUE));
  });

  it('loses nothing already found when the background cannot answer', async () => {
    document.body.innerHTML = '<p>first-site.com</p>';
    const result = await scanRoots([document.body], { extract: localExtract() });
    const more = document.createElement('p');
    more.textContent = 'second-site.com';
    document.body.append(more);
    await scanRoots([more], {
      extract: async () => {
        throw new Error('background stopped');
      },
      into: result,
    });
    expect([...result.indicators.keys()]).toEqual(['first-site.com']);
  });

  it('forgets occurrences whose text left the page', async () => {
    document.body.innerHTML = '<p>keep-site.com</p><p id="gone">gone-site.com</p>';
    const result = await scanRoots([document.body], { extract: localExtract() });
    document.getElementById('gone')?.remove();
    pruneDetached(result);
    expect([...result.indicators.keys()]).toEqual(['keep-site.com']);
  });
});

describe('extractTexts', () => {
  it('lists each value once with its first original, every occurrence as text, index, start, end', () => {
    const long = `https://evil.example.com/${'a'.repeat(3000)}`;
    const extraction = extractTexts(['see evil[.]com and evil.com', `x ${long} and 1.2.3.4`]);
    expect(ExtractionSchema.safeParse(extraction).success).toBe(true);
    expect(extraction).toEqual({
      kinds: ['domain', 'ipv4'],
      values: ['evil.com', '1.2.3.4'],
      originals: ['evil[.]com', ''],
      notes: [null, null],
      // The over-long URL is left out.
      hits: [0, 0, 4, 14, 0, 0, 19, 27, 1, 1, long.length + 7, long.length + 14],
    });
  });

  it('the answer schema refuses hits that do not fit the lists', () => {
    const base = { kinds: ['domain'], values: ['evil.com'], originals: [''] };
    expect(ExtractionSchema.safeParse({ ...base, hits: [0, 0, 1, 5] }).success).toBe(true);
    for (const hits of [
      [0, 1, 1, 5],
      [0, 0, 1],
      [0, 0, -1, 5],
      [0, 0, 1.5, 5],
    ]) {
      expect(ExtractionSchema.safeParse({ ...base, hits }).success, JSON.stringify(hits)).toBe(false);
    }
    expect(ExtractionSchema.safeParse({ ...base, kinds: [], hits: [] }).success).toBe(false);
  });
});

describe('viewport first', () => {
  const chunk = (text: string, blockBreakBefore: boolean): DomTextChunk => ({
    node: document.createTextNode(text),
    text,
    nodeOffset: 0,
    blockBreakBefore,
  });

  it('the run in and near the viewport, found by a binary search, cut at block boundaries', () => {
    // 400 paragraphs of 1 KB, 20 px apart; the viewport shows paragraphs 100 to 144 (scrolled 2,000 px).
    const chunks = Array.from({ length: 400 }, (_, i) => chunk('x'.repeat(1024), i % 2 === 0));
    const tops = new Map(chunks.map((c, i) => [c, i * 20 - 2000]));
    let measured = 0;
    const { from, to } = viewportRun(chunks, 900, (c) => {
      measured++;
      return tops.get(c)!;
    });
    expect(measured).toBeLessThan(25);
    // 16 KB of margin either side (16 paragraphs), then back to a paragraph that starts a block.
    expect(from).toBe(84);
    expect(to).toBe(162);
    expect(chunks[from]!.blockBreakBefore).toBe(true);
    expect(chunks[to]!.blockBreakBefore).toBe(true);
  });

  it('at the top of the page the run starts at the first chunk', () => {
    const chunks = Array.from({ length: 10 }, (_, i) => chunk('y', i === 0));
    expect(viewportRun(chunks, 900, () => 0)).toEqual({ from: 0, to: 10 });
  });
});
