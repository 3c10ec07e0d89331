import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { column, makePdf } from '../../test/pdf/make-pdf';
import { emailTexts, receivedFromAddresses } from './eml';
import type { PdfJs } from './extract';
import { fileTexts } from './files';
import { documentIndicators } from './indicators';

const reader = () => pdfjs as unknown as PdfJs;
const encode = (text: string) => new TextEncoder().encode(text);

const EMAIL = [
  'Received: from mail.relay-one.example (relay [198.18.7.21])',
  '\tby mx.victim-corp.net with ESMTP id 42; Tue, 1 Dec 2026 10:00:00 +0000',
  'Received: from [45.77.12.9] (helo=sender) by mail.relay-one.example; Tue, 1 Dec 2026 09:59:58 +0000',
  'From: "Payroll" <payroll@invoices-portal.top>',
  'Reply-To: refunds@collector-mail.xyz',
  'To: finance@victim-corp.net',
  'Subject: Invoice 4471',
  'Message-ID: <abc@invoices-portal.top>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Pay at hxxps://invoices-portal[.]top/pay?id=3D4471 to=',
  'day.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('<p>Or call <b>evil-cdn[.]info</b> &amp; wait</p>').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

describe('e-mail files', () => {
  it("reads the relays' addresses from Received: from", () => {
    const headers: Array<[string, string]> = [
      ['received', 'from mail.relay-one.example (relay [198.18.7.21]) by mx.victim-corp.net; Tue'],
      ['received', 'from [45.77.12.9] (helo=sender) by mail.relay-one.example'],
      ['received', 'by localhost (127.0.0.1) with LMTP'],
    ];
    expect(receivedFromAddresses(headers)).toEqual(['198.18.7.21', '45.77.12.9']);
  });

  it('gives the sender, recipients, relays and the decoded body to the scanner', () => {
    const values = documentIndicators(emailTexts(EMAIL)).map((indicator) => indicator.value);
    expect(values).toEqual(
      expect.arrayContaining([
        'payroll@invoices-portal.top',
        'refunds@collector-mail.xyz',
        'finance@victim-corp.net',
        '198.18.7.21',
        '45.77.12.9',
        'https://invoices-portal.top/pay?id=4471',
        'evil-cdn.info',
      ]),
    );
  });
});

describe('fileTexts', () => {
  it('reads a PDF, plain text, HTML and CSV', async () => {
    const pdf = await fileTexts('r.pdf', makePdf([{ texts: column(72, ['C2 45.77.1[.]2']) }]), reader);
    expect(pdf).toEqual({ ok: true, texts: ['C2 45.77.1[.]2\n'] });
    expect(await fileTexts('iocs.csv', encode('type,value\nip,45.77.1.3\n'), reader)).toEqual({
      ok: true,
      texts: ['type,value\nip,45.77.1.3\n'],
    });
    const html = await fileTexts(
      'r.html',
      encode('<p>see <a href="x">bad[.]example</a></p><script>x()</script>'),
      reader,
    );
    expect(html.ok && html.texts[0]!.replace(/\s+/g, ' ').trim()).toBe('see bad[.]example');
  });

  it('says why a PDF it cannot read gives nothing', async () => {
    const encrypted = makePdf([{ texts: column(72, ['x']) }], { userPassword: 'p' });
    expect(await fileTexts('secret.pdf', encrypted, reader)).toEqual({
      ok: false,
      message: 'This PDF is password-protected: Sightline cannot read its text.',
    });
  });
});
