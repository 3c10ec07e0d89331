import * as pdfjs from 'pdfjs-dist';
import { browser } from 'wxt/browser';
import type { PdfJs } from './extract';

/**
 * pdf.js in an extension page, its worker the bundled extension file `pdf.worker.mjs` (copied there
 * at build, see wxt.config.ts): nothing is loaded from outside the extension.
 */
export function browserPdfJs(): typeof pdfjs & PdfJs {
  // Copied at build (not in public/), so WXT's typed paths do not list it.
  pdfjs.GlobalWorkerOptions.workerSrc = (browser.runtime.getURL as (path: string) => string)(
    '/pdf.worker.mjs',
  );
  return pdfjs as typeof pdfjs & PdfJs;
}
