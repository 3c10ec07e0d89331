import { describe, expect, it } from 'vitest';
import { assemblePage, lineJoin, type TextRun } from './assemble';

/** Runs one line each, 14 points apart, with a width of 5.5 points per character (11-point text). */
function lines(x: number, texts: readonly string[], top = 700): TextRun[] {
  return texts.map((text, i) => ({ text, x, y: top - i * 14, width: text.length * 5.5, height: 11 }));
}

describe('lineJoin: how two lines meet', () => {
  it.each([
    ['plain words', 'the first line', 'the second line', false, 'break'],
    ['a hyphenated word', 'several indi-', 'cators here', false, 'drop-hyphen'],
    ['a hyphenated host keeps its hyphen', 'hxxp://update-', 'check[.]example[.]net', false, 'join'],
    ['a capitalised next word is no hyphenation', 'North-', 'Korea', false, 'break'],
    ['a hash in two parts', 'sha1 a9993e364706816aba3e', '25717850c26c9cd0d89d', false, 'join'],
    [
      'two MD5s one a line stay two',
      'd41d8cd98f00b204e9800998ecf8427e',
      '0cc175b9c0f1b6a831c399e269772661',
      true,
      'break',
    ],
    [
      'half a SHA256 at the edge inside a sentence',
      'hash e3b0c44298fc1c149afbf4c8996fb924',
      '27ae41e4649b934ca495991b7852b856 is',
      true,
      'join',
    ],
    [
      'half a SHA256 that did not reach the edge',
      'hash e3b0c44298fc1c149afbf4c8996fb924',
      '27ae41e4649b934ca495991b7852b856 is',
      false,
      'break',
    ],
    ['a defanged dot at the end', 'the host evil[.]', 'example[.]com', false, 'join'],
    ['a defanged dot at the start', 'the host evil', '[.]example[.]com', false, 'join'],
    ['a defanged at-sign', 'mail to ops[@]', 'example[.]org', false, 'join'],
    ['a URL cut after a slash', 'hxxps://evil[.]com/a/', 'b/c.php', false, 'join'],
    ['a URL cut mid-word at the edge', 'hxxps://evil[.]com/downl', 'oad.php', true, 'join'],
    ['a URL ending the line before the edge', 'see hxxps://evil[.]com', 'for more', false, 'break'],
  ] as const)('%s', (_name, previous, next, edge, expected) => {
    expect(lineJoin(previous, next, edge)).toBe(expected);
  });
});

describe('assemblePage', () => {
  it('orders lines top to bottom and runs left to right, whatever order the PDF drew them in', () => {
    const runs: TextRun[] = [
      { text: 'second', x: 72, y: 686, width: 33, height: 11 },
      { text: 'line', x: 110, y: 686, width: 22, height: 11 },
      { text: 'first line', x: 72, y: 700, width: 55, height: 11 },
    ];
    expect(assemblePage(runs).text).toBe('first line\nsecond line\n');
  });

  it('reads two columns one after the other, a full-width heading before them', () => {
    const runs = [
      { text: 'Indicators of compromise in the loader campaign', x: 60, y: 740, width: 400, height: 16 },
      ...lines(60, ['one', 'two', 'three', 'four']),
      ...lines(330, ['five', 'six', 'seven', 'eight']),
      { text: 'A footer across the page, under both columns', x: 60, y: 560, width: 400, height: 11 },
    ];
    expect(assemblePage(runs).text).toBe(
      'Indicators of compromise in the loader campaign\n\none\ntwo\nthree\nfour\n\nfive\nsix\nseven\neight\n\nA footer across the page, under both columns\n',
    );
  });

  it('keeps a table of type and value as rows (two rows are no columns)', () => {
    const runs = [...lines(60, ['Type', 'IP']), ...lines(330, ['Value', '198.51.100.7'])];
    expect(assemblePage(runs).text).toBe('Type Value\nIP 198.51.100.7\n');
  });

  it('maps every character it kept back to its run', () => {
    const runs = lines(72, ['The C2 is hxxps://evil[.]com/a/', 'gate.php and the word indi-', 'cator.']);
    const page = assemblePage(runs);
    expect(page.text).toBe('The C2 is hxxps://evil[.]com/a/gate.php and the word indicator.\n');
    for (let i = 0; i < page.pieces.length; i += 4) {
      const [at, run, offset, length] = page.pieces.slice(i, i + 4) as [number, number, number, number];
      expect(page.text.slice(at, at + length)).toBe(runs[run]!.text.slice(offset, offset + length));
    }
  });
});
