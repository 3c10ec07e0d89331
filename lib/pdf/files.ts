import { emailTexts, htmlToText } from './eml';
import { extractPdfText, PDF_LIMITS, type PdfJs, problemMessage } from './extract';
import { hasPdfSignature } from './fetch';

/**
 * "Scan a file": a file the analyst dropped on (or chose in) the popup, read locally into texts for
 * the scanner: PDF, plain text, HTML, Markdown, CSV, e-mail (.eml). Nothing leaves the browser but
 * the indicator values looked up.
 */

export const FILE_KINDS = ['pdf', 'text', 'html', 'eml'] as const;
export type FileKind = (typeof FILE_KINDS)[number];
/** What the file input offers. */
export const SCANNABLE_FILES =
  '.pdf,.txt,.log,.md,.markdown,.csv,.tsv,.json,.html,.htm,.eml,application/pdf,text/*,message/rfc822';

export function fileKind(name: string, bytes: Uint8Array): FileKind {
  if (hasPdfSignature(bytes) || /\.pdf$/i.test(name)) return 'pdf';
  if (/\.eml$/i.test(name)) return 'eml';
  if (/\.html?$/i.test(name)) return 'html';
  return 'text';
}

export type FileTexts = { ok: true; texts: string[] } | { ok: false; message: string };

/** The file's texts, or one line saying why it cannot be read. */
export async function fileTexts(name: string, bytes: Uint8Array, pdfjs: () => PdfJs): Promise<FileTexts> {
  if (bytes.byteLength > PDF_LIMITS.maxBytes) {
    return {
      ok: false,
      message: problemMessage('too-large')
        .replace('This PDF', 'This file')
        .replace('reads PDFs', 'reads files'),
    };
  }
  const kind = fileKind(name, bytes);
  if (kind === 'pdf') {
    const read = await extractPdfText(pdfjs(), bytes);
    return read.ok
      ? { ok: true, texts: read.pages.map((page) => page.text) }
      : { ok: false, message: read.message };
  }
  const text = new TextDecoder().decode(bytes);
  if (kind === 'eml') return { ok: true, texts: emailTexts(text) };
  if (kind === 'html') return { ok: true, texts: [htmlToText(text)] };
  return { ok: true, texts: [text] };
}
