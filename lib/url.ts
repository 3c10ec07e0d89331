/** URL helpers shared by the options page and the background. */

export interface MispUrlCheck {
  /** The URL to store: scheme + host (+ path), no trailing slash. */
  normalized?: string;
  error?: string;
  warning?: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Validates a MISP base URL as typed by the analyst. */
export function checkMispUrl(input: string): MispUrlCheck {
  const text = input.trim();
  if (!text) return { error: 'Enter the address of your MISP, e.g. https://misp.example.org' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return { error: `Add the scheme: https://${text}` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'This is not a valid URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: 'MISP is reached over https:// (or http:// on this machine).' };
  }
  if (url.username || url.password)
    return { error: 'Leave credentials out of the URL: use the API key field.' };
  if (url.search || url.hash) return { error: 'The MISP URL takes no query string or fragment.' };
  const normalized = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    return {
      normalized,
      warning: 'http:// sends your API key unencrypted: use https:// for any MISP not on this machine.',
    };
  }
  return { normalized };
}

/** The origin pattern for `permissions.request` (`https://misp.example.org/*`). */
export function originPattern(mispUrl: string): string {
  const url = new URL(mispUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
