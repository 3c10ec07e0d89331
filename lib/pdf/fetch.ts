import { type PdfLimits, type PdfProblem, problemMessage } from './extract';

/** Fetching a tab's PDF (or deciding a tab shows one) in the background, within the size limit. */

export type FetchedPdf =
  | { ok: true; bytes: Uint8Array; name: string }
  | { ok: false; problem: PdfProblem | 'not-pdf' | 'fetch'; message: string };

/** `%PDF-` at the start of the file (a few bytes of junk before it are allowed, as readers allow). */
export function hasPdfSignature(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

/** Whether a tab's address names a PDF by its path (`…/report.pdf`, also with a query). */
export function looksLikePdfUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return /^(https?|file):$/.test(parsed.protocol) && /\.pdf$/i.test(parsed.pathname);
  } catch {
    return false;
  }
}

/** The file name an address gives a file ("report.pdf"), for the attachment and the event info. */
export function fileNameOf(url: string, extension: '.pdf' | '.html'): string {
  const fallback = extension === '.pdf' ? 'document.pdf' : 'page.html';
  try {
    const parsed = new URL(url);
    const last = decodeURIComponent(parsed.pathname.split('/').pop() ?? '') || parsed.hostname;
    const name = last.replace(/[^\p{L}\p{N}._() -]/gu, '_').slice(0, 200);
    if (name.length === 0) return fallback;
    return name.toLowerCase().endsWith(extension) ? name : `${name.replace(/\.html?$/i, '')}${extension}`;
  } catch {
    return fallback;
  }
}

export const pdfNameOf = (url: string) => fileNameOf(url, '.pdf');

/** A response's body, or undefined as soon as it is over `maxBytes` (declared or read). */
export async function readCapped(
  response: Response,
  maxBytes: number,
  abort: AbortController,
): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      abort.abort();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const tooLarge = (limits: PdfLimits): FetchedPdf => ({
  ok: false,
  problem: 'too-large',
  message: problemMessage('too-large', limits),
});

/**
 * Reads the PDF at `url` as the browser would for the tab (its cookies for that site), stopping as
 * soon as more than the limit has come.
 */
export async function fetchPdf(
  url: string,
  limits: Pick<PdfLimits, 'maxBytes' | 'timeoutMs' | 'maxPages'>,
  fetchImpl: typeof fetch = fetch,
): Promise<FetchedPdf> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), limits.timeoutMs);
  try {
    const response = await fetchImpl(url, { credentials: 'include', signal: abort.signal });
    if (!response.ok && !url.startsWith('file:')) {
      return {
        ok: false,
        problem: 'fetch',
        message: `The PDF could not be fetched (HTTP ${response.status}).`,
      };
    }
    const bytes = await readCapped(response, limits.maxBytes, abort);
    if (!bytes) return tooLarge(limits as PdfLimits);
    if (!hasPdfSignature(bytes))
      return { ok: false, problem: 'not-pdf', message: 'This tab does not show a PDF.' };
    return { ok: true, bytes, name: pdfNameOf(url) };
  } catch {
    return {
      ok: false,
      problem: 'fetch',
      message: abort.signal.aborted
        ? problemMessage('too-slow', limits as PdfLimits)
        : 'The PDF could not be fetched (the browser refused or the server did not answer).',
    };
  } finally {
    clearTimeout(timer);
  }
}
