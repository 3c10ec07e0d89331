import type { HighlightMode, MispInstance, Preferences } from '../settings';

/** Why a page is not scanned: not a web page (browser or extension page), MISP's own, excluded, or off. */
export const NOT_SCANNED_WHY = [
  'browser-page',
  'extension-page',
  'not-web',
  'misp',
  'excluded',
  'off',
] as const;
export type NotScannedWhy = (typeof NOT_SCANNED_WHY)[number];

export interface ScanDecision {
  mode: HighlightMode;
  scan: boolean;
  reason?: string;
  /** Set when `scan` is false: which rule said no. */
  why?: NotScannedWhy;
  /** For `excluded`: the "Sites never scanned" entry that matched. */
  pattern?: string;
}

const EXTENSION_SCHEMES = new Set(['chrome-extension:', 'moz-extension:', 'extension:']);
const BROWSER_SCHEMES = new Set([
  'chrome:',
  'about:',
  'edge:',
  'brave:',
  'opera:',
  'vivaldi:',
  'view-source:',
  'devtools:',
  'chrome-search:',
  'chrome-untrusted:',
]);

/** `example.com` matches the host and its sub-domains; `*.example.com` only sub-domains. */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  const p = pattern
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  if (!p) return false;
  const h = host.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  return h === p || h.endsWith(`.${p}`);
}

/** Whether the content script may scan a page: never MISP's own pages, never excluded sites. */
export function pageScanDecision(
  pageUrl: string,
  preferences: Preferences,
  instances: readonly MispInstance[],
): ScanDecision {
  const mode = preferences.highlightMode;
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return { mode, scan: false, reason: 'not a web page', why: 'not-web' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') {
    const why = EXTENSION_SCHEMES.has(url.protocol)
      ? 'extension-page'
      : BROWSER_SCHEMES.has(url.protocol)
        ? 'browser-page'
        : 'not-web';
    return { mode, scan: false, reason: 'not a web page', why };
  }
  for (const instance of instances) {
    try {
      if (new URL(instance.url).origin === url.origin)
        return { mode, scan: false, reason: 'MISP itself', why: 'misp' };
    } catch {
      // A stored URL that does not parse cannot match.
    }
  }
  const pattern = preferences.neverScan.find((entry) => hostMatchesPattern(url.hostname, entry));
  if (pattern !== undefined) {
    return { mode, scan: false, reason: 'in "Sites never scanned"', why: 'excluded', pattern };
  }
  return mode === 'never'
    ? { mode, scan: false, reason: 'highlighting is off', why: 'off' }
    : { mode, scan: true };
}
