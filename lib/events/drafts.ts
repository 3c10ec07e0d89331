import { storage } from 'wxt/utils/storage';
import type { z } from 'zod';
import { scanText, summariseOccurrences } from '../indicators';
import { defaultChoice } from './build';
import { type Draft, DraftSchema, type ExtraIndicator, emptyDraft } from './model';

/**
 * Drafts per tab in `storage.session` (extension pages and the background only): they survive the
 * popup closing and the service worker restarting, and go with the browser session. A draft made for
 * another URL of the same tab (the tab navigated) is not reused.
 *
 * Two writers share a tab's draft: the popup and the context menu's "Add selection to draft event"
 * (in the background). Both write through `updateDraft`, a change applied to the draft as stored at
 * that moment, never a whole draft held from earlier, so neither undoes the other; the open popup
 * follows the stored draft with `watchDraft`.
 */

const draftKey = (tabId: number) => `session:draft:${tabId}` as const;

export async function loadDraft(tabId: number): Promise<Draft | undefined> {
  const parsed = DraftSchema.safeParse(await storage.getItem(draftKey(tabId)));
  return parsed.success ? parsed.data : undefined;
}

export async function saveDraft(draft: z.input<typeof DraftSchema>): Promise<void> {
  await storage.setItem(draftKey(draft.tabId), DraftSchema.parse({ ...draft, updatedAt: Date.now() }));
}

export async function clearDraft(tabId: number): Promise<void> {
  await storage.removeItem(draftKey(tabId));
}

type TabRef = { id: number; url: string; title: string };
const writes = new Map<number, Promise<unknown>>();

/** Applies `change` to the tab's draft as stored now (one write at a time per tab in this context). */
export function updateDraft(tab: TabRef, change: (draft: Draft) => Draft): Promise<Draft> {
  const run = (writes.get(tab.id) ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      const next = change(await draftFor(tab));
      await saveDraft(next);
      return next;
    });
  writes.set(tab.id, run);
  return run;
}

/** Calls `onChange` with the tab's draft whenever another writer stores it, until `signal` aborts. */
export function watchDraft(tabId: number, onChange: (draft: Draft | undefined) => void, signal: AbortSignal) {
  if (signal.aborted) return;
  const unwatch = storage.watch<unknown>(draftKey(tabId), (value) => {
    const parsed = DraftSchema.safeParse(value);
    onChange(parsed.success ? parsed.data : undefined);
  });
  signal.addEventListener('abort', unwatch, { once: true });
}

/** The tab's draft, or a fresh one (prefilled from the page) when there is none for this URL. */
export async function draftFor(tab: TabRef): Promise<Draft> {
  const stored = await loadDraft(tab.id);
  if (stored && (stored.url === tab.url || tab.url === '')) return stored;
  return emptyDraft(tab, crypto.randomUUID());
}

/** Indicators in a piece of text, one per distinct value, as the list shows them. */
export function indicatorsInText(text: string): ExtraIndicator[] {
  return summariseOccurrences(scanText(text)).map(({ type, value, original, count }) => ({
    type,
    value,
    original: original.slice(0, 8192),
    count,
  }));
}

/** Adds indicators to a draft's extras and selects them (context menu, "Scan text"). */
export function addExtras(draft: Draft, found: readonly ExtraIndicator[], select = true): Draft {
  const extras = [...draft.extras];
  const selected = { ...draft.selected };
  for (const indicator of found) {
    if (!extras.some((extra) => extra.value === indicator.value)) extras.push(indicator);
    if (select && !selected[indicator.value]) selected[indicator.value] = defaultChoice(indicator);
  }
  return { ...draft, extras, selected };
}
