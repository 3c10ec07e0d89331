import ipaddr from 'ipaddr.js';

/**
 * Attribute value normalisation and validation, after MISP's AttributeValidationTool: values are
 * trimmed, hashes / domains / hostnames / e-mail addresses lower-cased, IPs normalised, and then
 * checked per type. Messages are MISP's; those seen in transcripts 016 and 017 are exact.
 */
export type ValueCheck = { ok: true; value: string } | { ok: false; message: string };

const HASH_LENGTHS: Record<string, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
  'sha512/224': 56,
  'sha512/256': 64,
  'sha3-224': 56,
  'sha3-256': 64,
  'sha3-384': 96,
  'sha3-512': 128,
  imphash: 32,
  authentihash: 64,
  pehash: 40,
  tlsh: 70,
  x509_fingerprint_md5: 32,
  x509_fingerprint_sha1: 40,
  x509_fingerprint_sha256: 64,
  'ja3-fingerprint-md5': 32,
  'hassh-md5': 32,
  'hasshserver-md5': 32,
};

const LOWERCASE_TYPES = new Set([
  'domain',
  'hostname',
  'email',
  'email-src',
  'email-dst',
  'target-email',
  'whois-registrant-email',
  'dns-soa-email',
  'email-reply-to',
]);

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{1,63}$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const VULNERABILITY_RE = /^(CVE|GCVE)-\d{4}-\d{4,}$/i;
const BTC_RE = /^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,87}$/;
const SSDEEP_RE = /^\d+:[0-9a-zA-Z/+]+:[0-9a-zA-Z/+]+$/;

function hashMessage(length: number): string {
  return `Checksum has an invalid length or format (expected: ${length} hexadecimal characters). Please double check the value or select type "other".`;
}

function invalidFormat(label: string): string {
  return `${label} has an invalid format. Please double check the value or select type "other".`;
}

/** Normalises an IP (v4 or v6, optional /cidr); null if it is not one. */
export function normaliseIp(value: string): string | null {
  const [address, prefix, ...rest] = value.split('/');
  if (address === undefined || rest.length > 0) return null;
  if (!ipaddr.isValid(address)) return null;
  // ipaddr.isValid accepts odd IPv4 forms (e.g. "1", "0x7f.1"); MISP wants dotted quads.
  if (!address.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(address)) return null;
  const parsed = ipaddr.parse(address);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    const max = parsed.kind() === 'ipv4' ? 32 : 128;
    if (!/^\d+$/.test(prefix) || bits > max) return null;
    return `${parsed.toString()}/${bits}`;
  }
  return parsed.toString();
}

function checkSingle(type: string, raw: string): ValueCheck {
  let value = raw.trim();
  if (value === '') return { ok: false, message: 'Value not set.' };
  const hashLength = HASH_LENGTHS[type];
  if (hashLength !== undefined) {
    value = value.toLowerCase();
    if (type === 'tlsh') value = value.replace(/^t1/, '');
    return new RegExp(`^[0-9a-f]{${hashLength}}$`).test(value)
      ? { ok: true, value }
      : { ok: false, message: hashMessage(hashLength) };
  }
  if (LOWERCASE_TYPES.has(type)) value = value.toLowerCase();
  switch (type) {
    case 'ip-src':
    case 'ip-dst': {
      const ip = normaliseIp(value);
      return ip ? { ok: true, value: ip } : { ok: false, message: 'IP address has an invalid format.' };
    }
    case 'domain':
    case 'hostname': {
      value = value.replace(/\.$/, '');
      return DOMAIN_RE.test(value)
        ? { ok: true, value }
        : { ok: false, message: invalidFormat(type === 'domain' ? 'Domain name' : 'Hostname') };
    }
    case 'email':
    case 'email-src':
    case 'email-dst':
    case 'target-email':
    case 'whois-registrant-email':
    case 'dns-soa-email':
    case 'email-reply-to':
      return EMAIL_RE.test(value)
        ? { ok: true, value }
        : { ok: false, message: invalidFormat('Email address') };
    case 'vulnerability':
      return VULNERABILITY_RE.test(value)
        ? { ok: true, value: value.toUpperCase() }
        : { ok: false, message: invalidFormat('Vulnerability ID') };
    case 'btc':
      return BTC_RE.test(value) ? { ok: true, value } : { ok: false, message: invalidFormat('BTC address') };
    case 'ssdeep':
      return SSDEEP_RE.test(value)
        ? { ok: true, value }
        : { ok: false, message: 'Invalid SSDeep hash. The format has to be blocksize:hash:hash' };
    case 'url':
    case 'uri':
    case 'link':
      // MISP only rejects URLs with whitespace inside; links must carry a scheme.
      if (/\s/.test(value)) return { ok: false, message: invalidFormat('URL') };
      if (type === 'link' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        return { ok: false, message: 'Link has to be a valid URL' };
      }
      return { ok: true, value };
    case 'port':
      return /^\d+$/.test(value) && Number(value) <= 65535
        ? { ok: true, value }
        : { ok: false, message: 'Port numbers have to be integers between 1 and 65535.' };
    default:
      return { ok: true, value };
  }
}

/** Composite types split on `|` into two parts that are checked by their own type. */
const COMPOSITE_PARTS: Record<string, [string, string]> = {
  'domain|ip': ['domain', 'ip-dst'],
  'ip-src|port': ['ip-src', 'port'],
  'ip-dst|port': ['ip-dst', 'port'],
  'hostname|port': ['hostname', 'port'],
};

export function checkValue(type: string, raw: string): ValueCheck {
  if (!type.includes('|')) return checkSingle(type, raw);
  const separator = raw.indexOf('|');
  if (separator < 0) return { ok: false, message: 'Composite type, but value not explodable.' };
  const first = raw.slice(0, separator);
  const second = raw.slice(separator + 1);
  const parts = COMPOSITE_PARTS[type] ?? ['text', type.split('|')[1] ?? 'text'];
  const a = checkSingle(parts[0], first);
  if (!a.ok) return a;
  const b = checkSingle(parts[1], second);
  if (!b.ok) return b;
  return { ok: true, value: `${a.value}|${b.value}` };
}
