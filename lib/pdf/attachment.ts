import type { SightlineDatabase } from '../db';
import { type EventSubmission, MAX_REPORT_FILE_BYTES } from '../events/model';
import type { AttributeDraft } from '../misp/client';
import type { ErrorInfo } from '../protocol/result';
import { fileNameOf, readCapped } from './fetch';
import { getPdf, tabPdfKey } from './store';

/** "Attach report file": the tab's PDF (or a copy of its page) as a MISP `attachment` attribute (transcripts 163-166). */

/** Base64 of bytes, in slices (one call per byte would overflow the argument list). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

/** MISP's attachment attribute: the file name as value, the file as data, never an IDS signature. */
export function reportFileAttribute(file: { name: string; data: string }): AttributeDraft {
  return {
    type: 'attachment',
    value: file.name,
    category: 'External analysis',
    to_ids: false,
    comment: 'Report file',
    data: file.data,
  };
}

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

const TOO_LARGE: ErrorInfo = {
  kind: 'validation',
  message: `The report file is larger than ${megabytes(MAX_REPORT_FILE_BYTES)}, more than Sightline sends to MISP: untick "Attach report file".`,
};
const PAGE_COPY_TIMEOUT_MS = 30_000;

/**
 * A saved copy of a web page for "Attach report file": its HTML as the server sends it for the tab
 * (the site's cookies), within the size limit.
 */
export async function pageCopy(
  url: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; name: string; bytes: Uint8Array } | { ok: false; error: ErrorInfo }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), PAGE_COPY_TIMEOUT_MS);
  try {
    const response = await fetchImpl(url, { credentials: 'include', signal: abort.signal });
    if (!response.ok) {
      return {
        ok: false,
        error: {
          kind: 'validation',
          message: `The page could not be saved for the event (HTTP ${response.status}).`,
        },
      };
    }
    const bytes = await readCapped(response, MAX_REPORT_FILE_BYTES, abort);
    if (!bytes) return { ok: false, error: TOO_LARGE };
    return { ok: true, name: fileNameOf(url, '.html'), bytes };
  } catch {
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: 'The page could not be saved for the event (the server did not answer).',
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The submission with the report file attached when the analyst ticked "Attach report file": the
 * tab's PDF (as its reading stored it) or, on a web page, a saved copy of the page. Read here, in
 * the background: the popup never holds the file.
 */
export async function withReportFile(
  db: SightlineDatabase,
  submission: EventSubmission,
  tabUrl: string | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; data: EventSubmission } | { ok: false; error: ErrorInfo }> {
  const { attachReportFile, ...rest } = submission;
  if (!attachReportFile || rest.attachment) return { ok: true, data: rest };
  const stored = await getPdf(db, tabPdfKey(submission.tabId));
  let file: { name: string; bytes: Uint8Array } | undefined;
  if (stored && (tabUrl === undefined || stored.url === tabUrl)) file = stored;
  else if (tabUrl && /^https?:/i.test(tabUrl)) {
    const copy = await pageCopy(tabUrl, fetchImpl);
    if (!copy.ok) return copy;
    file = copy;
  }
  if (!file) {
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: 'The report file is no longer at hand: reopen the popup on the PDF.',
      },
    };
  }
  if (file.bytes.byteLength > MAX_REPORT_FILE_BYTES) return { ok: false, error: TOO_LARGE };
  return { ok: true, data: { ...rest, attachment: { name: file.name, data: toBase64(file.bytes) } } };
}
