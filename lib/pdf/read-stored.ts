import { openDatabase } from '../db';
import { extractPdfText, type PdfJs } from './extract';
import { getPdf } from './store';
import type { PdfTextAnswer } from './text-channel';

/** Reads a stored PDF's text (in the page that runs pdf.js). */
export async function readStoredPdfText(pdfjs: PdfJs, key: string): Promise<PdfTextAnswer> {
  const db = await openDatabase();
  try {
    const stored = await getPdf(db, key);
    if (!stored)
      return {
        ok: false,
        problem: 'missing',
        message: 'The PDF is no longer at hand: open the popup again.',
      };
    const result = await extractPdfText(pdfjs, stored.bytes);
    if (!result.ok) return result;
    return { ok: true, texts: result.pages.map((page) => page.text), title: result.title };
  } finally {
    db.close();
  }
}
