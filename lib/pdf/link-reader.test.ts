import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { column, makePdf } from '../../test/pdf/make-pdf';
import { openDatabase } from '../db';
import { openLinkInReader } from './link-reader';
import { getPdf } from './store';

describe('"Open in Sightline reader" on a PDF link', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    fakeBrowser.reset();
  });

  it('fetches the linked PDF, keeps it and opens the reader on it', async () => {
    const bytes = makePdf([{ texts: column(72, ['C2 45.77.1[.]2']) }]);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(bytes.slice())),
    );
    const created = vi.spyOn(browser.tabs, 'create');
    await openLinkInReader('https://vendor.example/reports/apt-q4.pdf');
    const url = new URL(created.mock.calls[0]![0].url!);
    expect(url.pathname).toBe('/reader.html');
    const key = url.searchParams.get('pdf')!;
    const db = await openDatabase();
    const stored = await getPdf(db, key);
    db.close();
    expect(stored).toMatchObject({ name: 'apt-q4.pdf', url: 'https://vendor.example/reports/apt-q4.pdf' });
    expect(stored!.bytes).toEqual(bytes);
  });

  it('opens the reader with the reason when the link gives no PDF', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('nope', { status: 404 })),
    );
    const created = vi.spyOn(browser.tabs, 'create');
    await openLinkInReader('https://vendor.example/missing.pdf');
    const url = new URL(created.mock.calls[0]![0].url!);
    expect(url.searchParams.get('problem')).toBe('The PDF could not be fetched (HTTP 404).');
  });
});
