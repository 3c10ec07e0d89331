import type { SightingSource } from '../settings';

/**
 * The `source` a sighting carries into MISP, from the analyst's "Sighting source" setting: the page's
 * host (default), its full URL (without the fragment, which is often private UI state), or a fixed
 * text. MISP trims it and shares it with everyone who can see the sighting.
 */
export function sightingSourceFor(setting: SightingSource, pageUrl: string): string {
  if (setting.kind === 'fixed') return setting.text.trim().slice(0, 255);
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') return '';
  if (setting.kind === 'host') return url.hostname;
  url.hash = '';
  return url.href.slice(0, 4096);
}

/** What each choice shares with the MISP community (the options page shows it). */
export const SIGHTING_SOURCE_PRIVACY: Record<SightingSource['kind'], string> = {
  host: 'Shares the site name (e.g. "www.example.com") with everyone who can see the sighting — not the page or what you searched.',
  url: 'Shares the full address of the page you were reading, including its path and query string, which may name internal systems, tickets or search terms.',
  fixed:
    'Shares only the text you type here (e.g. your team or tool name): nothing about the page you were reading.',
};
