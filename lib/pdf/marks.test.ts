import { describe, expect, it } from 'vitest';
import { assemblePage, type TextRun } from './assemble';
import { findAll, runSpans } from './marks';

describe('runSpans', () => {
  it('maps an indicator rejoined across two lines back to both runs', () => {
    const runs: TextRun[] = [
      { text: 'C2 at hxxps://evil[.]com/a/', x: 72, y: 700, width: 150, height: 11 },
      { text: 'gate.php today', x: 72, y: 686, width: 80, height: 11 },
    ];
    const page = assemblePage(runs);
    const start = page.text.indexOf('hxxps');
    const end = page.text.indexOf('.php') + 4;
    expect(runSpans(page.pieces, start, end)).toEqual([
      { run: 0, start: 6, end: 27 },
      { run: 1, start: 0, end: 8 },
    ]);
  });
});

describe('findAll', () => {
  it('finds every occurrence, whatever the case', () => {
    expect(findAll('Evil and evil and EVIL', 'evil')).toEqual([
      [0, 4],
      [9, 13],
      [18, 22],
    ]);
    expect(findAll('text', '  ')).toEqual([]);
  });
});
