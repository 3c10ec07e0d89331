import { browser } from 'wxt/browser';
import { addExtras, indicatorsInText, updateDraft } from '../events/drafts';
import { openLinkInReader, PDF_LINK_PATTERNS, READER_MENU_ID } from '../pdf/link-reader';

/** Context menu entries and keyboard commands: each just asks the tab's content script to act. */
export function registerMenusAndCommands(): void {
  browser.runtime.onInstalled.addListener(() => {
    void browser.contextMenus.removeAll().then(() => {
      browser.contextMenus.create({ id: 'sightline-scan', title: 'Scan this page', contexts: ['page'] });
      browser.contextMenus.create({
        id: 'sightline-lookup',
        title: 'Look up in MISP',
        contexts: ['selection'],
      });
      browser.contextMenus.create({
        id: 'sightline-draft',
        title: 'Add selection to draft event',
        contexts: ['selection'],
      });
      browser.contextMenus.create({
        id: READER_MENU_ID,
        title: 'Open in Sightline reader',
        contexts: ['link'],
        targetUrlPatterns: PDF_LINK_PATTERNS,
      });
    });
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === READER_MENU_ID && info.linkUrl) {
      void openLinkInReader(info.linkUrl).catch(() => undefined);
      return;
    }
    if (tab?.id === undefined) return;
    if (info.menuItemId === 'sightline-scan') {
      void browser.tabs.sendMessage(tab.id, { channel: 'sightline', command: 'scan' }).catch(() => undefined);
    }
    if (info.menuItemId === 'sightline-draft' && info.selectionText) {
      void addSelectionToDraft(
        { id: tab.id, url: tab.url ?? '', title: tab.title ?? '' },
        info.selectionText.slice(0, 100_000),
      );
    }
    if (info.menuItemId === 'sightline-lookup' && info.selectionText) {
      void browser.tabs
        .sendMessage(tab.id, {
          channel: 'sightline',
          command: 'lookup-selection',
          text: info.selectionText.slice(0, 10_000),
        })
        .catch(() => undefined);
    }
  });
  browser.commands.onCommand.addListener((command, tab) => {
    const tabId = tab?.id;
    if (tabId === undefined) return;
    const content =
      command === 'toggle-highlights' ? 'toggle-highlights' : command === 'scan-page' ? 'scan' : undefined;
    if (content)
      void browser.tabs.sendMessage(tabId, { channel: 'sightline', command: content }).catch(() => undefined);
  });
}

/** "Add selection to draft event": the selection's indicators join the tab's draft, selected. */
export async function addSelectionToDraft(
  tab: { id: number; url: string; title: string },
  text: string,
): Promise<number> {
  const found = indicatorsInText(text);
  if (found.length === 0) return 0;
  await updateDraft(tab, (draft) => addExtras(draft, found));
  return found.length;
}
