import type { HighlightMode, MispInstance, Preferences } from '../settings';

export interface ScanDecision {
  mode: HighlightMode;
  scan: boolean;
  reason?: string;
}

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
    return { mode, scan: false, reason: 'not a web page' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') {
    return { mode, scan: false, reason: 'not a web page' };
  }
  for (const instance of instances) {
    try {
      if (new URL(instance.url).origin === url.origin) return { mode, scan: false, reason: 'MISP itself' };
    } catch {
      // A stored URL that does not parse cannot match.
    }
  }
  if (preferences.neverScan.some((pattern) => hostMatchesPattern(url.hostname, pattern))) {
    return { mode, scan: false, reason: 'in "Sites never scanned"' };
  }
  return { mode, scan: mode !== 'never', reason: mode === 'never' ? 'highlighting is off' : undefined };
}
