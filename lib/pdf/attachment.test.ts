import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { type EventSubmission, EventSubmissionSchema, MAX_REPORT_FILE_BYTES } from '../events/model';
import { reportFileAttribute, toBase64, withReportFile } from './attachment';
import { putPdf, tabPdfKey } from './store';

const PDF_URL = 'https://v.example/r.pdf';
let counter = 0;
const storeTabPdf = (db: Awaited<ReturnType<typeof openDatabase>>, bytes: Uint8Array) =>
  putPdf(db, { key: tabPdfKey(7), url: 'https://v.example/r.pdf', name: 'r.pdf', bytes, storedAt: 1 });
const submission = (patch: Partial<EventSubmission> = {}): EventSubmission => ({
  key: crypto.randomUUID(),
  tabId: 7,
  info: 'Loader report',
  date: '2026-12-02',
  distribution: 0,
  threatLevel: 2,
  analysis: 0,
  published: false,
  tags: [],
  attributes: [
    { type: 'domain', value: 'evil.example', category: 'Network activity', toIds: true, comment: '' },
  ],
  ...patch,
});

describe('Attach report file', () => {
  it("adds the tab's stored PDF as base64, and the outbox's copy of the submission stays valid", async () => {
    const db = await openDatabase(`attachment-test-${counter++}`);
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    await storeTabPdf(db, bytes);
    const result = await withReportFile(db, submission({ attachReportFile: true }), PDF_URL);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.attachReportFile).toBeUndefined();
    expect(result.data.attachment).toEqual({ name: 'r.pdf', data: Buffer.from(bytes).toString('base64') });
    expect(EventSubmissionSchema.safeParse(result.data).success).toBe(true);
    expect(reportFileAttribute(result.data.attachment!)).toMatchObject({
      type: 'attachment',
      value: 'r.pdf',
      category: 'External analysis',
      to_ids: false,
    });
  });

  it('leaves a submission without the tick as it is', async () => {
    const db = await openDatabase(`attachment-test-${counter++}`);
    const plain = submission();
    expect(await withReportFile(db, plain, PDF_URL)).toEqual({ ok: true, data: plain });
  });

  it('refuses, with a line to act on, a file over the limit or one no longer stored', async () => {
    const db = await openDatabase(`attachment-test-${counter++}`);
    const missing = await withReportFile(db, submission({ attachReportFile: true }), undefined);
    expect(missing).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('no longer at hand') },
    });
    const bytes = new Uint8Array(MAX_REPORT_FILE_BYTES + 1);
    await storeTabPdf(db, bytes);
    const large = await withReportFile(db, submission({ attachReportFile: true }), PDF_URL);
    expect(large).toMatchObject({
      ok: false,
      error: {
        message:
          'The report file is larger than 20 MB, more than Sightline sends to MISP: untick "Attach report file".',
      },
    });
  });

  it('attaches a saved copy of a web page, named after it', async () => {
    const db = await openDatabase(`attachment-test-${counter++}`);
    const html = '<!doctype html><title>APT report</title><p>C2 45.77.1.2</p>';
    const fetched: string[] = [];
    const fetchStub = (async (url: string) => {
      fetched.push(url);
      return new Response(html, { headers: { 'content-type': 'text/html' } });
    }) as typeof fetch;
    const result = await withReportFile(
      db,
      submission({ attachReportFile: true }),
      'https://blog.vendor.example/2026/apt-report.html?utm=x',
      fetchStub,
    );
    expect(fetched).toEqual(['https://blog.vendor.example/2026/apt-report.html?utm=x']);
    expect(result).toMatchObject({
      ok: true,
      data: { attachment: { name: 'apt-report.html', data: Buffer.from(html).toString('base64') } },
    });
  });

  it('encodes like the platform does', () => {
    const bytes = new Uint8Array([0, 255, 1, 2, 3, 250]);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
});
