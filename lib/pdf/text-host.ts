import { browser } from 'wxt/browser';
import { PDF_TEXT_CHANNEL, type PdfTextAnswer, PdfTextAnswerSchema } from './text-channel';

/**
 * The background's way to a stored PDF's text: on Chrome through the offscreen document (created
 * when first needed, kept while the worker lives), on Firefox in the background page itself.
 */

const OFFSCREEN_PATH = '/offscreen.html';
let creating: Promise<void> | undefined;

interface OffscreenApi {
  createDocument(options: { url: string; reasons: string[]; justification: string }): Promise<void>;
  hasDocument?(): Promise<boolean>;
}

async function ensureOffscreen(offscreen: OffscreenApi): Promise<void> {
  if (await offscreen.hasDocument?.().catch(() => false)) return;
  creating ??= offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['WORKERS'],
      justification: 'Reads the text of PDFs with pdf.js (in a worker) so their indicators can be looked up.',
    })
    .catch((error: unknown) => {
      // Another call created it first.
      if (!/single offscreen|already/i.test(String(error))) throw error;
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}

export async function readPdfText(key: string): Promise<PdfTextAnswer> {
  if (import.meta.env.FIREFOX) {
    const [{ browserPdfJs }, { readStoredPdfText }] = await Promise.all([
      import('./pdfjs-browser'),
      import('./read-stored'),
    ]);
    return readStoredPdfText(browserPdfJs(), key);
  }
  const offscreen = (browser as unknown as { offscreen?: OffscreenApi }).offscreen;
  if (!offscreen) return { ok: false, problem: 'unreadable', message: 'This browser cannot read PDFs here.' };
  await ensureOffscreen(offscreen);
  const raw: unknown = await browser.runtime.sendMessage({ channel: PDF_TEXT_CHANNEL, key });
  const answer = PdfTextAnswerSchema.safeParse(raw);
  return answer.success
    ? answer.data
    : { ok: false, problem: 'unreadable', message: 'The PDF reader sent an unexpected answer.' };
}
