import { useEffect, useState } from 'preact/hooks';
import { clearDraft, draftFor, updateDraft, watchDraft } from '../../../lib/events/drafts';
import { type Draft, emptyDraft } from '../../../lib/events/model';

/**
 * The tab's event draft. Every edit is a change applied to the draft as stored (`updateDraft`), and
 * the panel follows the stored draft (`watchDraft`), so an "Add selection to draft event" from the
 * context menu while the popup is open shows up at once and is never overwritten by the popup.
 */
export function useDraft(tab: { id: number; url: string; title: string } | undefined) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const tabId = tab?.id;
  const url = tab?.url;
  useEffect(() => {
    if (!tab) return;
    const controller = new AbortController();
    void draftFor(tab).then((loaded) => {
      if (!controller.signal.aborted) setDraft(loaded);
    });
    watchDraft(tab.id, (stored) => stored && stored.url === tab.url && setDraft(stored), controller.signal);
    return () => controller.abort();
  }, [tabId, url]);

  const change = (edit: (draft: Draft) => Draft) => {
    if (!tab || !draft) return;
    setDraft(edit(draft));
    void updateDraft(tab, edit).then(setDraft);
  };
  /** After a filing: the draft is done; the next one gets a new key. */
  const reset = async () => {
    if (!tab) return;
    await clearDraft(tab.id);
    setDraft(emptyDraft(tab, crypto.randomUUID()));
  };
  return { draft, change, reset };
}
