import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { column, makePdf } from '../../test/pdf/make-pdf';
import { scanText } from '../indicators';
import { extractPdfText, PDF_LIMITS, type PdfJs } from './extract';

const reader = pdfjs as unknown as PdfJs;

async function textOf(bytes: Uint8Array) {
  const result = await extractPdfText(reader, bytes);
  if (!result.ok) throw new Error(result.message);
  return result.pages.map((page) => page.text);
}

describe('extractPdfText: a report written as a PDF', () => {
  it('reads every page, rejoins indicators broken across lines and finds them', async () => {
    const bytes = makePdf(
      [
        {
          texts: column(72, [
            'The loader downloads its second stage from hxxp://update-',
            'check[.]example-cdn[.]net/gate.php and reports to',
            '203.0.113[.]77 over TCP 443. The dropper (SHA256 e3b0c44298fc1c149afbf4c8996fb924',
            '27ae41e4649b934ca495991b7852b856) is signed.',
          ]),
        },
        { texts: column(72, ['Contact: abuse[@]mail-', 'relay[.]example[.]org was notified.']) },
      ],
      { title: 'Loader report' },
    );
    const result = await extractPdfText(reader, bytes);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.title).toBe('Loader report');
    expect(result.pages).toHaveLength(2);
    const values = result.pages.flatMap((page) => scanText(page.text).map((o) => o.value));
    expect(values).toEqual(
      expect.arrayContaining([
        'http://update-check.example-cdn.net/gate.php',
        '203.0.113.77',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856',
        'abuse@mail-relay.example.org',
      ]),
    );
  });

  it('reads a two-column page column by column, the title first', async () => {
    const left = column(60, ['Left column starts', 'and goes on here', 'for a while', 'until here.'], 680);
    const right = column(330, ['Right column starts', 'and goes on', 'and on', 'and ends here.'], 680);
    const [text] = await textOf(
      makePdf([
        {
          texts: [
            { x: 60, y: 740, text: 'A report title that spans the whole width of the page', size: 16 },
            ...left,
            ...right,
          ],
        },
      ]),
    );
    expect(text).toBe(
      'A report title that spans the whole width of the page\n\nLeft column starts\nand goes on here\nfor a while\nuntil here.\n\nRight column starts\nand goes on\nand on\nand ends here.\n',
    );
  });

  it('joins a word hyphenated at the end of a line', async () => {
    const [text] = await textOf(
      makePdf([{ texts: column(72, ['The campaign used several indi-', 'cators of compromise.']) }]),
    );
    expect(text).toBe('The campaign used several indicators of compromise.\n');
  });
});

describe('extractPdfText: one clear line instead of text', () => {
  it('says a password-protected PDF cannot be read', async () => {
    const result = await extractPdfText(
      reader,
      makePdf([{ texts: column(72, ['secret 1.2.3.4']) }], { userPassword: 'report' }),
    );
    expect(result).toEqual({
      ok: false,
      problem: 'encrypted',
      message: 'This PDF is password-protected: Sightline cannot read its text.',
    });
  });

  it('says a PDF of scanned pages has no text', async () => {
    const result = await extractPdfText(reader, makePdf([{ image: true }, { image: true }]));
    expect(result).toMatchObject({ ok: false, problem: 'no-text' });
    if (!result.ok)
      expect(result.message).toBe('This PDF has no text to read (its pages are images, as in a scan).');
  });

  it('refuses a PDF over the size limit before reading it', async () => {
    const bytes = makePdf([{ texts: column(72, ['1.2.3.4']) }]);
    const result = await extractPdfText(reader, bytes, { ...PDF_LIMITS, maxBytes: bytes.byteLength - 1 });
    expect(result).toMatchObject({ ok: false, problem: 'too-large' });
    expect(PDF_LIMITS.maxBytes).toBe(50 * 1024 * 1024);
  });

  it('refuses a PDF with more pages than the limit, naming its page count', async () => {
    const pages = Array.from({ length: 4 }, () => ({ texts: column(72, ['page']) }));
    const result = await extractPdfText(reader, makePdf(pages), { ...PDF_LIMITS, maxPages: 3 });
    expect(result).toEqual({
      ok: false,
      problem: 'too-many-pages',
      message: 'This PDF has 4 pages: Sightline reads PDFs up to 3 pages.',
    });
  });

  it('says bytes that are no PDF are unreadable', async () => {
    const result = await extractPdfText(reader, new TextEncoder().encode('<html>not a pdf</html>'));
    expect(result).toMatchObject({
      ok: false,
      problem: 'unreadable',
      message: 'This file is not a readable PDF.',
    });
  });
});
