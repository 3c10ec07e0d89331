import { createHash } from 'node:crypto';

/**
 * Writes small PDFs by hand for Sightline's tests: text placed where a report would have it (two
 * columns, words hyphenated at the line's end, indicators broken across lines), pages that are only
 * an image (a scan), and documents encrypted with a user password (RC4, the standard handler's
 * revision 2), so every case is built from code on any machine.
 */

export interface PdfText {
  x: number;
  y: number;
  text: string;
  /** Font size in points (default 11). */
  size?: number;
}

export interface PdfPage {
  texts?: PdfText[];
  /** Draw a (tiny, scaled) grey image over most of the page: a scanned page has nothing else. */
  image?: boolean;
}

export interface PdfOptions {
  /** Encrypt the document; opening it then needs this password. */
  userPassword?: string;
  title?: string;
}

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;

/** The standard security handler's padding string (PDF 1.7, 7.6.3.3). */
const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const md5 = (...parts: Uint8Array[]) => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const padded = (password: string) =>
  Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PAD]).subarray(0, 32);

interface Encryption {
  key: Buffer;
  dictionary: string;
}

/** Revision 2 (40-bit RC4) keys and the /Encrypt dictionary for a user password. */
function encryption(userPassword: string, fileId: Buffer): Encryption {
  const permissions = -4;
  const owner = rc4(md5(padded(`${userPassword}-owner`)).subarray(0, 5), padded(userPassword));
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = md5(padded(userPassword), owner, p, fileId).subarray(0, 5);
  const user = rc4(key, PASSWORD_PAD);
  return {
    key,
    dictionary: `<< /Filter /Standard /V 1 /R 2 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> /P ${permissions} >>`,
  };
}

function objectKey(key: Buffer, objectNumber: number): Buffer {
  const suffix = Buffer.from([
    objectNumber & 255,
    (objectNumber >> 8) & 255,
    (objectNumber >> 16) & 255,
    0,
    0,
  ]);
  return md5(key, suffix).subarray(0, Math.min(key.length + 5, 16));
}

const escapeText = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);

function pageContent(page: PdfPage): string {
  const parts: string[] = [];
  if (page.image) parts.push('q 500 0 0 650 56 70 cm /Im1 Do Q');
  for (const { x, y, text, size = 11 } of page.texts ?? []) {
    parts.push(`BT /F1 ${size} Tf ${x} ${y} Td (${escapeText(text)}) Tj ET`);
  }
  return parts.join('\n');
}

/** Builds the PDF's bytes. */
export function makePdf(pages: readonly PdfPage[], options: PdfOptions = {}): Uint8Array {
  const fileId = md5(Buffer.from(JSON.stringify(pages)), Buffer.from(options.userPassword ?? ''));
  const crypt = options.userPassword === undefined ? undefined : encryption(options.userPassword, fileId);
  // Objects: 1 catalog, 2 pages, 3 font, 4 image, 5 info, then per page: page, content.
  const objects: Array<string | { dict: string; stream: Buffer }> = [];
  const kids = pages.map((_, i) => `${6 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push({
    dict: '<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8',
    stream: Buffer.from([40, 200, 200, 40]),
  });
  objects.push(`<< /Title (${escapeText(options.title ?? 'Sightline test report')}) >>`);
  pages.forEach((page, i) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
        `/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents ${7 + i * 2} 0 R >>`,
    );
    objects.push({ dict: '<<', stream: Buffer.from(pageContent(page), 'latin1') });
  });
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = chunks[0]!.length;
  const offsets: number[] = [];
  const push = (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
  };
  objects.forEach((object, index) => {
    const number = index + 1;
    offsets.push(length);
    push(Buffer.from(`${number} 0 obj\n`, 'latin1'));
    if (typeof object === 'string') {
      // Strings in the info dictionary are encrypted too; the test PDFs keep the others string-free.
      const body =
        crypt && number === 5
          ? `<< /Title <${rc4(objectKey(crypt.key, number), Buffer.from(options.title ?? 'Sightline test report', 'latin1')).toString('hex')}> >>`
          : object;
      push(Buffer.from(`${body}\nendobj\n`, 'latin1'));
    } else {
      const data = crypt ? rc4(objectKey(crypt.key, number), object.stream) : object.stream;
      push(Buffer.from(`${object.dict} /Length ${data.length} >>\nstream\n`, 'latin1'));
      push(data);
      push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
    }
  });
  let encryptRef = '';
  if (crypt) {
    offsets.push(length);
    const number = objects.length + 1;
    push(Buffer.from(`${number} 0 obj\n${crypt.dictionary}\nendobj\n`, 'latin1'));
    encryptRef = ` /Encrypt ${number} 0 R`;
  }
  const xrefAt = length;
  const rows = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  const id = fileId.toString('hex');
  push(
    Buffer.from(
      `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${rows}` +
        `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R /Info 5 0 R /ID [<${id}> <${id}>]${encryptRef} >>\n` +
        `startxref\n${xrefAt}\n%%EOF\n`,
      'latin1',
    ),
  );
  return new Uint8Array(Buffer.concat(chunks));
}

/** Lines of text from the top of a page down, one every `leading` points, starting at x. */
export function column(x: number, lines: readonly string[], top = 720, leading = 14): PdfText[] {
  return lines.map((text, i) => ({ x, y: top - i * leading, text }));
}
