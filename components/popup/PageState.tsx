import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { TabIndicators } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';

export type PageScanView = NonNullable<TabIndicators['page']>;

/**
 * Why the popup lists nothing for a page, in one sentence; undefined when the page is scanned
 * (then an empty list means the page has no indicators).
 */
export function notScannedText(page: PageScanView): string | undefined {
  switch (page.why) {
    case 'misp':
      return 'Sightline never scans your MISP’s pages.';
    case 'browser-page':
      return 'Sightline does not scan browser pages.';
    case 'extension-page':
      return 'Sightline does not scan extension pages.';
    case 'not-web':
      return page.host ? 'Sightline scans web pages only.' : 'Sightline does not scan browser pages.';
    case 'excluded':
      return `${page.host} is in Sites never scanned.`;
    case 'off':
      return 'Highlighting is off: Sightline scans no pages ("Highlight on pages" is "Never").';
    default:
      if (page.scanned) return undefined;
      return page.mode === 'ask'
        ? 'Sightline scans this page only when you ask.'
        : 'Sightline has not scanned this page yet.';
  }
}

/**
 * Above the popup's list: why the page has nothing ("example.org is in Sites never scanned —
 * Remove"), and "Scan this page" where Sightline scans on request ("Only when I ask") or has not
 * scanned the page yet.
 */
export function PageState({
  page,
  tabId,
  onChanged,
}: {
  page: PageScanView | undefined;
  tabId: number;
  /** Ask the background again (after a scan, or after the exclusion was removed). */
  onChanged: () => Promise<unknown>;
}) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (!page) return null;
  const sentence = notScannedText(page);
  const canScan = page.scan && (page.mode === 'ask' || !page.scanned);

  async function scan(event: MouseEvent) {
    if (!event.isTrusted || busy) return;
    setBusy(true);
    setNote(null);
    const answer = await sendToBackground('tab/scan', { tabId });
    if (!answer.ok) setNote({ ok: false, text: answer.error.message });
    await onChanged();
    setBusy(false);
  }

  async function removeExclusion(event: MouseEvent) {
    if (!event.isTrusted || busy || page?.pattern === undefined) return;
    setBusy(true);
    const current = await sendToBackground('preferences/get', {});
    const saved = current.ok
      ? await sendToBackground('preferences/save', {
          patch: { neverScan: current.data.neverScan.filter((entry) => entry !== page.pattern) },
        })
      : current;
    setNote(
      saved.ok
        ? { ok: true, text: `Removed ${page.pattern} from Sites never scanned.` }
        : { ok: false, text: saved.error.message },
    );
    await onChanged();
    setBusy(false);
  }

  if (!sentence && !canScan && !note) return null;
  return (
    <div class="sl-page-state">
      {sentence && (
        <p class="hint">
          {sentence}
          {page.why === 'excluded' && page.pattern !== undefined && (
            <>
              {' — '}
              <button type="button" class="link" disabled={busy} onClick={(e) => void removeExclusion(e)}>
                Remove
              </button>
            </>
          )}
          {page.why === 'off' && (
            <>
              {' '}
              <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
                Open the options
              </a>
            </>
          )}
        </p>
      )}
      {canScan && (
        <div class="row">
          <button type="button" disabled={busy} onClick={(e) => void scan(e)}>
            Scan this page
          </button>
        </div>
      )}
      {note && (
        <p role="status" class={note.ok ? 'status-ok' : 'status-error'}>
          {note.text}
        </p>
      )}
    </div>
  );
}
