import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateFinder } from './candidates';
import { CANDIDATE } from './candidates.test-support';
import { refangValue } from './refang';

/** [start, end, shape] of every candidate, as the finder gives them. */
function found(text: string): Array<[number, number, number]> {
  const finder = new CandidateFinder(text);
  const out: Array<[number, number, number]> = [];
  while (finder.next()) out.push([finder.start, finder.end, finder.shape]);
  return out;
}

/** The same by the regular expression the finder mirrors (the shape is the capture group's number). */
function byRegex(text: string): Array<[number, number, number]> {
  const pattern = new RegExp(CANDIDATE.source, CANDIDATE.flags);
  return [...text.matchAll(pattern)].map((m) => [
    m.index,
    m.index + m[0].length,
    m.findIndex((g, i) => i > 0 && g !== undefined),
  ]);
}

describe('candidate finder', () => {
  it.each([
    ['a URL with a scheme', 'see https://evil.com/a?b=c, then', [[4, 27, 1]]],
    ['a CVE, spaced', 'patch CVE 2021 44228 now', [[6, 20, 2]]],
    ['an IPv6 address', 'to fe80::1ff:fe23 and', [[3, 17, 3]]],
    // Inside a dotted run (`file_<md5>.exe`) the scanner looks again when the run is nothing.
    ['a hash glued after a word', 'file_d41d8cd98f00b204e9800998ecf8427e', [[5, 37, 4]]],
    ['a bitcoin address', 'pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa today', [[4, 38, 5]]],
    ['a base64 URL', 'x aHR0cHM6Ly9ldmlsLmNvbS9h y', [[2, 26, 6]]],
    ['a wildcard host with port and path', 'block *.evil.com:8080/x now', [[6, 23, 7]]],
    ['plain prose', 'nothing to see here at all', []],
  ] as const)('%s', (_label, text, expected) => {
    expect(found(text)).toEqual(expected);
    expect(byRegex(text)).toEqual(expected);
  });

  it('finds exactly what the regular expression finds, on random text and on every corpus report', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet =
      'abcdefABCDEFhtpsxvz0123456789.:@-/_[]()*+=%#?&;,\'"<>`{}|\\^ \n\t\u00a0\u2003\uff1c\u00bb\u2013';
    const pieces = [
      'http',
      'https://',
      'aHR0c',
      'cve',
      'bc1q',
      '1A1z',
      '::',
      '*.',
      'stratum+tcp://',
      'd41d8cd98f00b204e9800998ecf8427e',
    ];
    const corpus = join(import.meta.dirname, '../../test/fixtures/corpus/avast');
    const texts: string[] = readdirSync(corpus, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((unit) => readFileSync(join(corpus, unit.name, 'README.md'), 'utf8'));
    texts.push(...texts.map(refangValue));
    for (let k = 0; k < 3000; k++) {
      let text = '';
      const length = Math.floor(random() * 200);
      while (text.length < length)
        text +=
          random() < 0.1
            ? pieces[Math.floor(random() * pieces.length)]
            : alphabet[Math.floor(random() * alphabet.length)];
      texts.push(text);
    }
    let candidates = 0;
    for (const text of texts) {
      const expected = byRegex(text);
      candidates += expected.length;
      expect(found(text), JSON.stringify(text.slice(0, 300))).toEqual(expected);
    }
    // The texts do produce candidates of every shape (else this test would prove little).
    expect(candidates).toBeGreaterThan(5000);
  });

  it('stays linear on hostile runs', () => {
    for (const text of [
      'a.'.repeat(200_000),
      '1'.repeat(400_000),
      ':'.repeat(400_000),
      'aHR0c'.repeat(80_000),
      '*.'.repeat(200_000),
    ])
      expect(found(text).length).toBeLessThan(text.length);
  });
});
