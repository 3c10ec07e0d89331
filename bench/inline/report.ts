/**
 * A generated threat report for the inline-matches bench: ~2 MB of HTML with paragraphs, IOC tables
 * and code blocks, and 5,000 distinct indicators of mixed kinds, written plain or defanged, most of
 * them more than once. Deterministic from a seed. Values are random (never on a warninglist) so that
 * every one of them is a "new" value for MISP unless the bench seeds it as known.
 */
import { escapeHtml } from '../../test/e2e/report-pages';

export type GeneratedKind = 'ipv4' | 'domain' | 'url' | 'email' | 'md5' | 'sha1' | 'sha256' | 'cve';

export interface GeneratedIndicator {
  kind: GeneratedKind;
  /** Refanged, normalised value (what the scanner reports and MISP stores). */
  value: string;
  /** MISP attribute type when seeding it as known. */
  mispType: string;
}

export interface GeneratedReport {
  html: string;
  indicators: GeneratedIndicator[];
}

/** How many of each kind (5,000 in all). */
const MIX: ReadonlyArray<[GeneratedKind, number, string]> = [
  ['ipv4', 1000, 'ip-dst'],
  ['domain', 1100, 'domain'],
  ['url', 800, 'url'],
  ['email', 300, 'email-src'],
  ['md5', 500, 'md5'],
  ['sha1', 400, 'sha1'],
  ['sha256', 800, 'sha256'],
  ['cve', 100, 'vulnerability'],
];

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the actor operators campaign infrastructure payload loader stage second first dropped observed ' +
  'server command control beacon implant persistence registry scheduled task service credential ' +
  'harvesting lateral movement exfiltration archive encrypted configuration decrypted string routine ' +
  'analysis sample variant cluster overlap previously reported researchers telemetry victims sector ' +
  'government energy finance telecom region spear-phishing attachment macro document lure archive ' +
  'installer signed certificate revoked domain hosting provider registrar resolved passive records ' +
  'between during after before which while this that these those with from into over under using ' +
  'module plugin keylogger screenshot clipboard browser cookies tokens wallet miner proxy tunnel'
).split(' ');

const TLDS = ['com', 'net', 'org', 'ru', 'top', 'xyz', 'info', 'biz', 'io', 'cc', 'online', 'site'];
const HEX = '0123456789abcdef';
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function generateReport(seed = 20_260_522, targetBytes = 2 * 1024 * 1024): GeneratedReport {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const str = (alphabet: string, n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
    return s;
  };
  const label = () => `${str('abcdefghijklmnopqrstuvwxyz', 1)}${str(ALNUM, 5 + int(8))}`;

  const seen = new Set<string>();
  const make: Record<GeneratedKind, () => string> = {
    // Public unicast space only (no private, loopback, multicast or documentation ranges).
    ipv4: () =>
      `${pick([5, 23, 31, 37, 45, 46, 62, 77, 91, 103, 109, 141, 176, 185, 193, 212])}.${int(256)}.${int(256)}.${1 + int(254)}`,
    domain: () => `${rand() < 0.3 ? `${label()}.` : ''}${label()}.${pick(TLDS)}`,
    url: () =>
      `${rand() < 0.6 ? 'https' : 'http'}://${label()}.${pick(TLDS)}/${label()}/${str(ALNUM, 6)}.${pick(['php', 'html', 'exe', 'zip', 'js'])}`,
    email: () => `${label()}@${label()}.${pick(TLDS)}`,
    md5: () => str(HEX, 32),
    sha1: () => str(HEX, 40),
    sha256: () => str(HEX, 64),
    cve: () => `CVE-20${10 + int(15)}-${1000 + int(60_000)}`,
  };
  const indicators: GeneratedIndicator[] = [];
  for (const [kind, count, mispType] of MIX) {
    for (let made = 0; made < count; ) {
      const value = make[kind]();
      if (seen.has(value)) continue;
      seen.add(value);
      indicators.push({ kind, value, mispType });
      made++;
    }
  }
  // Shuffle so every section mixes kinds.
  for (let i = indicators.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [indicators[i], indicators[j]] = [indicators[j]!, indicators[i]!];
  }

  /** How a report writes a value: plain, or defanged the usual ways. */
  const written = (indicator: GeneratedIndicator): string => {
    if (rand() < 0.5) return indicator.value;
    const v = indicator.value;
    switch (indicator.kind) {
      case 'ipv4':
        return v.replace(/\.(\d+)$/, '[.]$1');
      case 'domain':
        return v.replace(/\.([a-z]+)$/, '[.]$1');
      case 'url':
        return v.replace(/^http/, 'hxxp').replace(/\.([a-z]+)\//, '[.]$1/');
      case 'email':
        return v.replace('@', '[@]').replace(/\.([a-z]+)$/, '[.]$1');
      default:
        return v;
    }
  };
  const sentence = (embed: GeneratedIndicator | undefined) => {
    const words = Array.from({ length: 10 + int(18) }, () => pick(WORDS));
    const text = escapeHtml(words.join(' '));
    if (!embed) return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
    const code = rand() < 0.3;
    const value = escapeHtml(written(embed));
    return `${text[0]?.toUpperCase()}${text.slice(1)} ${code ? `<code>${value}</code>` : value} ${escapeHtml(pick(WORDS))} ${escapeHtml(pick(WORDS))}.`;
  };

  const SECTION = 50; // indicators per section
  const sections: string[] = [];
  for (let s = 0; s * SECTION < indicators.length; s++) {
    const group = indicators.slice(s * SECTION, (s + 1) * SECTION);
    const parts: string[] = [`<h2>${s + 1}. ${escapeHtml(pick(WORDS))} ${escapeHtml(pick(WORDS))}</h2>`];
    // Prose mentioning each indicator once.
    let i = 0;
    while (i < group.length) {
      const sentences: string[] = [];
      for (let k = 0; k < 4 + int(4); k++) sentences.push(sentence(rand() < 0.6 ? group[i++] : undefined));
      parts.push(`<p>${sentences.join(' ')}</p>`);
    }
    // An IOC table with about half of them again, and a code block with the hashes.
    const tableRows = group
      .filter(() => rand() < 0.5)
      .map(
        (indicator) =>
          `<tr><td>${indicator.kind}</td><td>${escapeHtml(written(indicator))}</td><td>${escapeHtml(`${pick(WORDS)} ${pick(WORDS)}`)}</td></tr>`,
      );
    parts.push(
      `<table><thead><tr><th>Type</th><th>Indicator</th><th>Note</th></tr></thead><tbody>${tableRows.join('')}</tbody></table>`,
    );
    const hashes = group.filter((indicator) => /^(md5|sha1|sha256)$/.test(indicator.kind));
    if (hashes.length > 0) {
      parts.push(
        `<pre><code>${hashes.map((h) => `${escapeHtml(h.value)}  ${escapeHtml(label())}.${pick(['exe', 'dll', 'bin'])}`).join('\n')}</code></pre>`,
      );
    }
    sections.push(parts.join('\n'));
  }
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Generated threat report</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:920px;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:14px}
pre{background:#f4f4f4;padding:8px;overflow:auto;font-size:13px}code{font-family:monospace}</style></head>
<body><h1>Generated threat report</h1>\n`;
  let body = sections.join('\n');
  // Filler prose (no indicators) spread between sections up to the target size.
  const fill: string[] = [];
  let size = head.length + body.length;
  while (size < targetBytes) {
    const p = `<p>${Array.from({ length: 6 }, () => sentence(undefined)).join(' ')}</p>`;
    fill.push(p);
    size += p.length + 1;
  }
  const chunks = body.split('\n<h2>');
  const perGap = Math.ceil(fill.length / chunks.length);
  body = chunks
    .map(
      (chunk, k) =>
        `${k === 0 ? '' : '<h2>'}${chunk}\n${fill.slice(k * perGap, (k + 1) * perGap).join('\n')}`,
    )
    .join('\n');
  return { html: `${head}${body}\n</body></html>\n`, indicators };
}
