import { browser } from 'wxt/browser';
import { browserPdfJs } from './pdfjs-browser';
import { readStoredPdfText } from './read-stored';
import { PdfTextRequestSchema } from './text-channel';

/**
 * Chrome's offscreen document: the background's service worker cannot run pdf.js (no DOM, no
 * workers), so it asks this page. Only the background (or another extension page) is answered,
 * never a content script: a page must not read another tab's PDF through it.
 */
export function startPdfOffscreen(): void {
  const pdfjs = browserPdfJs();
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    const request = PdfTextRequestSchema.safeParse(message);
    if (!request.success) return undefined;
    if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
    if (!(sender.url ?? '').startsWith(browser.runtime.getURL('/'))) return undefined;
    return readStoredPdfText(pdfjs, request.data.key);
  });
}
