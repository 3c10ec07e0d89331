/**
 * PDF benchmark (issue 18): a 100-page report PDF (the avast corpus' report text, written by
 * test/pdf/make-pdf.ts, 50 lines a page) from bytes to the list of its indicators — pdf.js text,
 * Sightline's reading-order assembly, and extraction — as the offscreen document / Firefox background
 * page does it (here Node's build of pdf.js, without a worker thread).
 */
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { extractPdfText, type PdfJs } from '../lib/pdf/extract';
import { documentIndicators } from '../lib/pdf/indicators';
import { column, makePdf, type PdfPage } from '../test/pdf/make-pdf';
import { loadCorpus } from './corpus';
import type { BenchModule } from './types';

const PAGES = 100;
const LINES_PER_PAGE = 50;
const RUNS = 3;

/** Report text cut into lines of at most 95 characters (Helvetica 9 pt fits them on a page). */
function reportLines(): string[] {
  const words = loadCorpus()
    .map((unit) => unit.text)
    .join('\n')
    .replace(/[^\x20-\x7e\n]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line.length + word.length + 1 > 95) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export const pdfBench: BenchModule = {
  name: 'PDF: 100-page report to its indicators',
  async run() {
    // The corpus repeated until 100 pages are full.
    const corpus = reportLines();
    const lines = Array.from({ length: PAGES * LINES_PER_PAGE }, (_, i) => corpus[i % corpus.length]!);
    const pages: PdfPage[] = Array.from({ length: PAGES }, (_, p) => ({
      texts: column(40, lines.slice(p * LINES_PER_PAGE, (p + 1) * LINES_PER_PAGE), 760, 14.5).map((text) => ({
        ...text,
        size: 9,
      })),
    }));
    const bytes = makePdf(pages);
    const times: number[] = [];
    let indicators = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const read = await extractPdfText(pdfjs as unknown as PdfJs, bytes.slice());
      if (!read.ok) throw new Error(read.message);
      indicators = documentIndicators(read.pages.map((page) => page.text)).length;
      times.push(performance.now() - started);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    return [
      '| PDF | size | indicators | median time to the list | pages/s |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| ${PAGES} pages, ${PAGES * LINES_PER_PAGE} lines | ${(bytes.byteLength / 1024).toFixed(0)} KB | ${indicators} | ${median.toFixed(0)} ms | ${((PAGES * 1000) / median).toFixed(0)} |`,
      '',
      `Median of ${RUNS} runs; lookups not included (see the lookup section for MISP round trips).`,
    ].join('\n');
  },
};
