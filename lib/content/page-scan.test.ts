// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { extractTexts } from '../indicators/extract-texts';
import {
  type ExtractTexts,
  MAX_OCCURRENCES_PER_VALUE,
  occurrenceRange,
  pruneDetached,
  scanRoots,
} from './page-scan';

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
    document.body.innerHTML =
      '<p>C2: <code>evil</code>[.]com and 10.1.2[.]3</p><p>sha256 ' + 'a'.repeat(64) + '</p>';
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
  it('answers per text with offsets into it, and leaves out values too long for a report', async () => {
    const long = `https://evil.example.com/${'a'.repeat(3000)}`;
    const [first, second] = extractTexts(['see evil[.]com', `x ${long} and 1.2.3.4`]);
    expect(first).toEqual([['domain', 'evil.com', 'evil[.]com', 4, 14]]);
    expect(second).toEqual([['ipv4', '1.2.3.4', '1.2.3.4', long.length + 7, long.length + 14]]);
  });
});
