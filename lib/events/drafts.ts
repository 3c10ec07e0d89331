import { storage } from 'wxt/utils/storage';
import { scanText, summariseOccurrences } from '../indicators';
import { defaultChoice } from './build';
import { type Draft, DraftSchema, type ExtraIndicator, emptyDraft } from './model';

/**
 * Drafts per tab in `storage.session` (extension pages and the background only): they survive the
 * popup closing and the service worker restarting, and go with the browser session. A draft made for
 * another URL of the same tab (the tab navigated) is not reused.
 */

const draftKey = (tabId: number) => `session:draft:${tabId}` as const;

export async function loadDraft(tabId: number): Promise<Draft | undefined> {
  const parsed = DraftSchema.safeParse(await storage.getItem(draftKey(tabId)));
  return parsed.success ? parsed.data : undefined;
}

export async function saveDraft(draft: Draft): Promise<void> {
  await storage.setItem(draftKey(draft.tabId), DraftSchema.parse({ ...draft, updatedAt: Date.now() }));
}

export async function clearDraft(tabId: number): Promise<void> {
  await storage.removeItem(draftKey(tabId));
}

/** The tab's draft, or a fresh one (prefilled from the page) when there is none for this URL. */
export async function draftFor(tab: { id: number; url: string; title: string }): Promise<Draft> {
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
