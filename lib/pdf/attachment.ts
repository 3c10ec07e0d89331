import type { SightlineDatabase } from '../db';
import { type EventSubmission, MAX_REPORT_FILE_BYTES } from '../events/model';
import type { AttributeDraft } from '../misp/client';
import type { ErrorInfo } from '../protocol/result';
import { getPdf, tabPdfKey } from './store';

/** "Attach report file": the tab's PDF as a MISP `attachment` attribute (transcripts 163-166). */

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

/**
 * The submission with the tab's PDF attached when the analyst ticked "Attach report file". Read
 * here, in the background, from the PDF the tab's reading stored: the popup never holds the file.
 */
export async function withReportFile(
  db: SightlineDatabase,
  submission: EventSubmission,
): Promise<{ ok: true; data: EventSubmission } | { ok: false; error: ErrorInfo }> {
  const { attachReportFile, ...rest } = submission;
  if (!attachReportFile || rest.attachment) return { ok: true, data: rest };
  const stored = await getPdf(db, tabPdfKey(submission.tabId));
  if (!stored) {
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: 'The report file is no longer at hand: reopen the popup on the PDF.',
      },
    };
  }
  if (stored.bytes.byteLength > MAX_REPORT_FILE_BYTES) {
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: `The report file is larger than ${megabytes(MAX_REPORT_FILE_BYTES)}, more than Sightline sends to MISP: untick "Attach report file".`,
      },
    };
  }
  return { ok: true, data: { ...rest, attachment: { name: stored.name, data: toBase64(stored.bytes) } } };
}
