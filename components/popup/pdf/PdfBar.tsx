import { browser } from 'wxt/browser';
import { countText } from '../../../lib/format/count';
import { tabPdfKey } from '../../../lib/pdf/store';
import type { PdfTabState } from './usePdfTab';

/** Sightline's reader on the tab's PDF (already read and stored by the background). */
function openReader(tabId: number) {
  const query = new URLSearchParams({ pdf: tabPdfKey(tabId), tab: String(tabId) });
  void browser.tabs.create({ url: `${browser.runtime.getURL('/reader.html')}?${query}` });
}

/** The PDF tab's line: reading, what it is, or why its text cannot be read. */
export function PdfBar({ state, tabId }: { state: PdfTabState; tabId: number }) {
  if (state.phase === 'none') return null;
  if (state.phase === 'reading') {
    return (
      <p role="status" class="hint">
        Reading the PDF…
      </p>
    );
  }
  if (state.problem) {
    return (
      <p role="alert" class="status-error">
        {state.problem}
      </p>
    );
  }
  return (
    <p class="hint">
      {`PDF${state.name ? ` ${state.name}` : ''}${state.pages ? `, ${countText(state.pages, 'page')}` : ''} `}
      <button type="button" onClick={() => openReader(tabId)}>
        Open in Sightline reader
      </button>
    </p>
  );
}
