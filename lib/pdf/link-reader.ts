import { browser } from 'wxt/browser';
import { openDatabase } from '../db';
import { PDF_LIMITS } from './extract';
import { fetchPdf } from './fetch';
import { putPdf } from './store';

/** The context menu entry on links to PDFs. */
export const READER_MENU_ID = 'sightline-reader';
export const PDF_LINK_PATTERNS = ['*://*/*.pdf', '*://*/*.pdf?*', '*://*/*.PDF', '*://*/*.PDF?*'];

const readerUrl = (params: Record<string, string>) =>
  `${(browser.runtime.getURL as (path: string) => string)('/reader.html')}?${new URLSearchParams(params)}`;

/**
 * "Open in Sightline reader" on a link: the background fetches the PDF (as the browser would for the
 * page, within the size limit), keeps it, and opens the reader on it; or the reader says why not.
 */
export async function openLinkInReader(url: string): Promise<void> {
  const fetched = await fetchPdf(url, PDF_LIMITS);
  if (!fetched.ok) {
    await browser.tabs.create({ url: readerUrl({ problem: fetched.message }) });
    return;
  }
  const key = `link:${crypto.randomUUID()}`;
  const db = await openDatabase();
  try {
    await putPdf(db, { key, url, name: fetched.name, bytes: fetched.bytes, storedAt: Date.now() });
  } finally {
    db.close();
  }
  await browser.tabs.create({ url: readerUrl({ pdf: key }) });
}
