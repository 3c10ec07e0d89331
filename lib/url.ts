/** MISP URL rules, one place for the options page, settings import, policy, the key store and the client. */

export type MispUrlResult =
  | {
      ok: true;
      /** Scheme + host (+ port and sub-path), no trailing slash: what is stored and joined with API paths. */
      url: string;
      /** Scheme + host + port: what an API key is bound to. */
      origin: string;
      /** http:// to a host other than this machine: the key would travel unencrypted. */
      insecure: boolean;
    }
  | { ok: false; error: string };

export interface MispUrlCheck {
  /** The URL to store: scheme + host (+ path), no trailing slash. */
  normalized?: string;
  error?: string;
  warning?: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** MISP pages people paste along with the base URL; harmless to drop. */
const PASTED_PAGE_SUFFIXES = ['/users/login', '/events/index'];

export const INSECURE_URL_WARNING =
  'http:// sends your API key unencrypted: use https:// for any MISP not on this machine.';

/**
 * Normalises a MISP base URL. `lenient` (the MISP client, given a stored URL) adds a missing https://
 * and drops a query or fragment; otherwise (typed, imported or policy URLs) both are refused, so the
 * analyst sees exactly the address the key goes to.
 */
export function normalizeMispUrl(input: string, options: { lenient?: boolean } = {}): MispUrlResult {
  const text = input.trim();
  if (!text) return { ok: false, error: 'Enter the address of your MISP, e.g. https://misp.example.org' };
  let withScheme = text;
  if (!SCHEME.test(text)) {
    // Text that could not be a host name even with a scheme is simply not a URL.
    if (!looksLikeHost(text)) return { ok: false, error: 'Not a URL' };
    if (!options.lenient) return { ok: false, error: `Add the scheme: https://${text}` };
    withScheme = `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: 'Not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, error: 'MISP is reached over https:// (or http:// on this machine).' };
  }
  if (url.username || url.password)
    return { ok: false, error: 'Leave credentials out of the URL: use the API key field.' };
  if (!options.lenient && (url.search || url.hash)) {
    return { ok: false, error: 'The MISP URL takes no query string or fragment.' };
  }
  let path = url.pathname.replace(/\/+$/, '');
  for (const suffix of PASTED_PAGE_SUFFIXES) {
    if (path.toLowerCase().endsWith(suffix)) path = path.slice(0, -suffix.length);
  }
  return {
    ok: true,
    url: `${url.origin}${path.replace(/\/+$/, '')}`,
    origin: url.origin,
    insecure: url.protocol === 'http:' && !LOOPBACK.test(url.hostname),
  };
}

function looksLikeHost(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    return new URL(`https://${text}`).hostname.length > 0;
  } catch {
    return false;
  }
}

/** Validates a MISP base URL as typed by the analyst (the options form's hint). */
export function checkMispUrl(input: string): MispUrlCheck {
  const result = normalizeMispUrl(input);
  if (!result.ok) return { error: result.error };
  return result.insecure
    ? { normalized: result.url, warning: INSECURE_URL_WARNING }
    : { normalized: result.url };
}

/** The origin a MISP URL sends requests to (`https://misp.example.org:8443`), or undefined. */
export function mispOrigin(input: string): string | undefined {
  const result = normalizeMispUrl(input, { lenient: true });
  return result.ok ? result.origin : undefined;
}

/** The origin pattern for `permissions.request` (`https://misp.example.org/*`). */
export function originPattern(mispUrl: string): string {
  const url = new URL(mispUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
