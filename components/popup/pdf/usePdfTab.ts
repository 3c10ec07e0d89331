import { useEffect, useRef, useState } from 'preact/hooks';
import { looksLikePdfUrl } from '../../../lib/pdf/fetch';
import type { PdfTab } from '../../../lib/protocol/pdf';
import { sendToBackground } from '../../../lib/runtime';
import type { PopupTab } from '../PopupApp';

const PDF_STATUS_POLL_MS = 2000;

export type PdfTabState = { phase: 'none' } | { phase: 'reading' } | ({ phase: 'read' } & PdfTab);

/**
 * Whether the popup's tab shows a PDF, read by the background (no content script runs in the
 * browser's PDF viewer). Once its text is read, `onRead` reloads the page's indicators.
 */
export function usePdfTab(tab: PopupTab, onRead: () => unknown): PdfTabState {
  const [state, setState] = useState<PdfTabState>({ phase: 'none' });
  // The panel's latest callback (its draft is loaded by the time the PDF is read), not the first one.
  const onReadRef = useRef(onRead);
  onReadRef.current = onRead;
  useEffect(() => {
    if (!/^(https?|file):/i.test(tab.url)) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // "Reading" only where the address says PDF: a web page asked about is not kept waiting for it.
    if (looksLikePdfUrl(tab.url)) setState({ phase: 'reading' });
    const ask = async () => {
      const result = await sendToBackground('pdf/tab', { tabId: tab.id });
      if (!live) return;
      if (!result.ok) {
        setState(
          looksLikePdfUrl(tab.url)
            ? { phase: 'read', isPdf: true, problem: result.error.message }
            : { phase: 'none' },
        );
        return;
      }
      setState(result.data.isPdf ? { phase: 'read', ...result.data } : { phase: 'none' });
      if (!result.data.isPdf || result.data.problem) return;
      onReadRef.current();
      // Lookups under way: the background refreshes the PDF's statuses when asked again.
      if (result.data.waiting) timer = setTimeout(() => void ask(), PDF_STATUS_POLL_MS);
    };
    void ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tab.id, tab.url]);
  return state;
}
