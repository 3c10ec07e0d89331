import { type AssembledPage, assemblePage, type TextRun } from './assemble';

/**
 * A PDF's text with pdf.js, page by page, within limits: a PDF too large, too long, encrypted,
 * without a text layer, broken or too slow gets one clear line instead of text (never a hang).
 * pdf.js is passed in: the extension's offscreen document / background page give it the bundled
 * worker, unit tests give it Node's build.
 */

export const PDF_LIMITS = {
  maxBytes: 50 * 1024 * 1024,
  maxPages: 500,
  /** The whole read, from bytes to the last page's text. */
  timeoutMs: 90_000,
} as const;
export type PdfLimits = { maxBytes: number; maxPages: number; timeoutMs: number };

export const PDF_PROBLEMS = [
  'too-large',
  'too-many-pages',
  'encrypted',
  'no-text',
  'unreadable',
  'too-slow',
] as const;
export type PdfProblem = (typeof PDF_PROBLEMS)[number];

export type PdfText =
  | { ok: true; pages: AssembledPage[]; title: string }
  | { ok: false; problem: PdfProblem; message: string };

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** The one line the analyst reads for each problem. */
export function problemMessage(problem: PdfProblem, limits: PdfLimits = PDF_LIMITS, pages?: number): string {
  switch (problem) {
    case 'too-large':
      return `This PDF is larger than ${megabytes(limits.maxBytes)}: Sightline reads PDFs up to ${megabytes(limits.maxBytes)}.`;
    case 'too-many-pages':
      return `This PDF has ${pages ?? 'too many'} pages: Sightline reads PDFs up to ${limits.maxPages} pages.`;
    case 'encrypted':
      return 'This PDF is password-protected: Sightline cannot read its text.';
    case 'no-text':
      return 'This PDF has no text to read (its pages are images, as in a scan).';
    case 'unreadable':
      return 'This file is not a readable PDF.';
    case 'too-slow':
      return `Reading this PDF took longer than ${Math.round(limits.timeoutMs / 1000)} s: Sightline stopped.`;
  }
}

const failure = (problem: PdfProblem, limits: PdfLimits, pages?: number): PdfText => ({
  ok: false,
  problem,
  message: problemMessage(problem, limits, pages),
});

/** The parts of pdf.js this module uses (both the browser and the Node build have them). */
export interface PdfJs {
  getDocument(params: {
    data: Uint8Array;
    isEvalSupported?: boolean;
    stopAtErrors?: boolean;
    verbosity?: number;
    disableFontFace?: boolean;
    useSystemFonts?: boolean;
  }): {
    promise: Promise<PdfDocument>;
    destroy(): Promise<void>;
  };
}

export interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<{
    getTextContent(): Promise<{ items: unknown[] }>;
    cleanup(): unknown;
  }>;
  getMetadata(): Promise<{ info?: unknown }>;
}

/** pdf.js's text items (marked-content items have no `str` and are skipped). */
export function textRuns(items: readonly unknown[]): TextRun[] {
  const runs: TextRun[] = [];
  for (const item of items) {
    const { str, transform, width, height } = item as {
      str?: unknown;
      transform?: unknown;
      width?: unknown;
      height?: unknown;
    };
    if (typeof str !== 'string' || !Array.isArray(transform)) continue;
    const [, , c, d, x, y] = transform as number[];
    const size = Math.hypot(c ?? 0, d ?? 0) || (typeof height === 'number' ? height : 0);
    runs.push({
      text: str,
      x: x ?? 0,
      y: y ?? 0,
      width: typeof width === 'number' ? width : 0,
      height: size,
    });
  }
  return runs;
}

/**
 * Reads `data` (a whole PDF) into assembled page texts, or says why not. pdf.js takes `data` over
 * (its buffer moves to the worker): pass a copy to keep using it.
 */
export async function extractPdfText(
  pdfjs: PdfJs,
  data: Uint8Array,
  limits: PdfLimits = PDF_LIMITS,
  onPage?: (done: number, total: number) => void,
): Promise<PdfText> {
  if (data.byteLength > limits.maxBytes) return failure('too-large', limits);
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    verbosity: 0,
    // Text only: no fonts are loaded into the page that reads it.
    disableFontFace: true,
    useSystemFonts: false,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<PdfText>((resolve) => {
    timer = setTimeout(() => resolve(failure('too-slow', limits)), limits.timeoutMs);
  });
  const read = (async (): Promise<PdfText> => {
    let document: PdfDocument;
    try {
      document = await task.promise;
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      return failure(name === 'PasswordException' ? 'encrypted' : 'unreadable', limits);
    }
    if (document.numPages > limits.maxPages) return failure('too-many-pages', limits, document.numPages);
    const pages: AssembledPage[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const content = await page.getTextContent();
      pages.push(assemblePage(textRuns(content.items)));
      page.cleanup();
      onPage?.(n, document.numPages);
    }
    if (pages.every((page) => page.text.trim().length === 0)) return failure('no-text', limits);
    const info = (await document.getMetadata().catch(() => ({ info: undefined }))).info as
      | { Title?: unknown }
      | undefined;
    const title = typeof info?.Title === 'string' ? info.Title.slice(0, 500) : '';
    return { ok: true, pages, title };
  })().catch((): PdfText => failure('unreadable', limits));
  try {
    return await Promise.race([read, deadline]);
  } finally {
    clearTimeout(timer);
    void task.destroy().catch(() => {});
  }
}
