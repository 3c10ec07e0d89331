/**
 * An e-mail file (`.eml`, RFC 5322) as text for the scanner: the headers an analyst files (sender,
 * recipients, reply-to, subject, the relays' addresses from `Received: from`) and the body's text
 * parts, decoded (quoted-printable, base64), HTML parts as text.
 */

const ADDRESS_HEADERS = ['from', 'sender', 'reply-to', 'return-path', 'to', 'cc', 'bcc', 'delivered-to'];

export interface EmailParts {
  headers: Array<[string, string]>;
  body: string;
}

/** Headers (unfolded) and the raw body. */
function split(raw: string): { headers: Array<[string, string]>; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.search(/\n\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 2);
  const headers: Array<[string, string]> = [];
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers.at(-1)![1] += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
  }
  return { headers, body };
}

const header = (headers: Array<[string, string]>, name: string) =>
  headers.find(([key]) => key === name)?.[1] ?? '';

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === '=' ? /^[0-9A-F]{2}$/i.exec(soft.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i) & 0xff);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function decodeBase64(text: string): string {
  try {
    const binary = atob(text.replace(/\s+/g, ''));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}

/** Tags out, entities for the common characters back: the text an HTML part shows. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of a MIME entity (its headers tell how), parts of a multipart one after the other. */
function entityText(headers: Array<[string, string]>, body: string, depth = 0): string {
  const type = header(headers, 'content-type').toLowerCase();
  const encoding = header(headers, 'content-transfer-encoding').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(header(headers, 'content-type'))?.[1];
  if (type.startsWith('multipart/') && boundary && depth < 5) {
    const parts = body.split(`--${boundary}`).slice(1);
    return parts
      .filter((part) => !part.startsWith('--'))
      .map((part) => {
        const inner = split(part.replace(/^\n/, ''));
        return entityText(inner.headers, inner.body, depth + 1);
      })
      .filter((text) => text.trim().length > 0)
      .join('\n\n');
  }
  if (type && !type.startsWith('text/')) return '';
  const decoded =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? decodeBase64(body)
        : body;
  return type.startsWith('text/html') ? htmlToText(decoded) : decoded;
}

/** The relays' addresses in `Received: from host (name [1.2.3.4])` headers. */
export function receivedFromAddresses(headers: Array<[string, string]>): string[] {
  const found = new Set<string>();
  for (const [name, value] of headers) {
    if (name !== 'received') continue;
    const from = /\bfrom\b([\s\S]*?)(\bby\b|;|$)/i.exec(value)?.[1] ?? '';
    for (const match of from.matchAll(
      /\[(?:IPv6:)?([0-9a-f.:]+)\]|\((?:[^()[\]]*\s)?([0-9]{1,3}(?:\.[0-9]{1,3}){3})\)/gi,
    )) {
      found.add((match[1] ?? match[2])!);
    }
  }
  return [...found];
}

/** The e-mail's text for the scanner: the headers that matter, then the body. */
export function emailTexts(raw: string): string[] {
  const { headers, body } = split(raw);
  const lines = [
    ...ADDRESS_HEADERS.flatMap((name) =>
      headers.filter(([key]) => key === name).map(([key, value]) => `${key}: ${value}`),
    ),
    `subject: ${header(headers, 'subject')}`,
    ...receivedFromAddresses(headers).map((address) => `received from: ${address}`),
  ];
  return [lines.join('\n'), entityText(headers, body)];
}
