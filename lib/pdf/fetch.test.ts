import { describe, expect, it } from 'vitest';
import { fetchPdf, fileNameOf, hasPdfSignature, looksLikePdfUrl, pdfNameOf } from './fetch';

const limits = { maxBytes: 1000, maxPages: 500, timeoutMs: 10_000 };

/** A response that streams `chunks` and counts how many were read. */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return { response: new Response(body, { headers }), pulled: () => pulled };
}

const pdfHead = new TextEncoder().encode('%PDF-1.7\n');

describe('fetchPdf', () => {
  it('stops reading as soon as more than the limit has come', async () => {
    const chunks = Array.from({ length: 50 }, () => new Uint8Array(300));
    chunks[0]!.set(pdfHead);
    const { response, pulled } = streamed(chunks);
    const result = await fetchPdf('https://reports.example/a.pdf', limits, async () => response);
    expect(result).toMatchObject({ ok: false, problem: 'too-large' });
    expect(pulled()).toBeLessThan(6);
  });

  it('refuses at once what the server declares too large', async () => {
    const { response, pulled } = streamed([pdfHead], { 'content-length': '5000' });
    const result = await fetchPdf('https://reports.example/a.pdf', limits, async () => response);
    expect(result).toMatchObject({ ok: false, problem: 'too-large' });
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it('gives the bytes and a file name for a PDF, and says when the tab shows no PDF', async () => {
    const ok = await fetchPdf(
      'https://reports.example/q3%20report.pdf?x=1',
      limits,
      async () => streamed([pdfHead]).response,
    );
    expect(ok).toMatchObject({ ok: true, name: 'q3 report.pdf' });
    const html = await fetchPdf(
      'https://reports.example/page',
      limits,
      async () => streamed([new TextEncoder().encode('<html>')]).response,
    );
    expect(html).toMatchObject({ ok: false, problem: 'not-pdf' });
  });

  it('says when the server refuses', async () => {
    const result = await fetchPdf(
      'https://reports.example/a.pdf',
      limits,
      async () => new Response('no', { status: 403 }),
    );
    expect(result).toEqual({
      ok: false,
      problem: 'fetch',
      message: 'The PDF could not be fetched (HTTP 403).',
    });
  });
});

describe('PDF names and addresses', () => {
  it('knows a PDF address by its path', () => {
    expect(looksLikePdfUrl('https://vendor.example/reports/apt.PDF?download=1')).toBe(true);
    expect(looksLikePdfUrl('https://vendor.example/reports/apt.pdf.html')).toBe(false);
    expect(looksLikePdfUrl('chrome://settings/a.pdf')).toBe(false);
  });
  it('names the file after the address, safely', () => {
    expect(pdfNameOf('https://vendor.example/dl/a"b<c>.pdf')).toBe('a_b_c_.pdf');
    expect(pdfNameOf('https://vendor.example/')).toBe('vendor.example.pdf');
    expect(fileNameOf('https://blog.vendor.example/2026/apt-report.html', '.html')).toBe('apt-report.html');
    expect(fileNameOf('https://blog.vendor.example/2026/apt-report/', '.html')).toBe(
      'blog.vendor.example.html',
    );
  });
  it('finds the %PDF- signature', () => {
    expect(hasPdfSignature(pdfHead)).toBe(true);
    expect(hasPdfSignature(new TextEncoder().encode('GIF89a'))).toBe(false);
  });
});
