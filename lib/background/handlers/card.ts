import { browser } from 'wxt/browser';
import { addSelectionToDraft } from '../menus';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';

/** The card bundle's path in the build (entrypoints/card.ts, an unlisted script). */
export const CARD_BUNDLE = '/card.js';

/** The hover card's own messages: loading it into a frame, and its actions that are not sightings. */
export function cardHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    // Into the sender's own tab and frame only: a content script can load the card where it runs.
    'card/load': async (_payload, sender) => {
      const tabId = sender.tab?.id;
      if (tabId === undefined || sender.frameId === undefined)
        return { ok: false, error: { kind: 'tab', message: 'No tab to show the card in.' } };
      try {
        await browser.scripting.executeScript({
          target: { tabId, frameIds: [sender.frameId] },
          files: [CARD_BUNDLE],
        });
        return { ok: true, data: {} };
      } catch {
        return { ok: false, error: { kind: 'tab', message: 'Sightline could not show its card here.' } };
      }
    },
    // A value the tab reported, into the tab's draft; the tab's own URL and title, never the payload's.
    'card/add-to-draft': async ({ value }, sender) => {
      const tab = sender.tab;
      if (tab?.id === undefined) return { ok: false, error: { kind: 'tab', message: 'No tab.' } };
      const { tabs } = await services;
      const report = await tabs.summary(tab.id, []);
      if (!report.indicators.some((indicator) => indicator.value === value))
        return {
          ok: false,
          error: { kind: 'page', message: 'Sightline did not find this value on this page.' },
        };
      const added = await addSelectionToDraft(
        { id: tab.id, url: tab.url ?? sender.url ?? '', title: tab.title ?? '' },
        value,
      );
      return { ok: true, data: { added } };
    },
  };
}
