import { browser } from 'wxt/browser';
import { PageInteraction } from './hover';
import { ask, type PageCommand, parsePageCommand } from './messaging';
import { type PageContext, PageController } from './page-controller';

/**
 * The page layer's entry, in every frame: asks the background whether to scan this page, then scans
 * automatically or waits to be asked ("Only when I ask"). A frame the background says not to scan
 * (excluded, MISP's own pages) does nothing more. The card is not part of this: it is loaded into the
 * frame the first time one opens (see card-port.ts).
 */
export async function startContentScript(ctx: PageContext): Promise<void> {
  if (!worthScanning(document)) return;
  const [config, preferences] = await Promise.all([
    ask('page/config', { url: location.href }),
    ask('preferences/get', {}),
  ]);
  if (ctx.isInvalid || !config.ok || !preferences.ok) return;
  // MISP's pages, excluded sites and "Never": nothing more, so no shortcut or menu can scan them.
  if (!config.data.scan) return;
  const page = new PageController(ctx, {
    showNewMarks: preferences.data.showNewMarks === true,
    showBenignMarks: preferences.data.showBenignMarks === true,
  });
  const interaction = new PageInteraction(ctx, page);
  const run = (command: PageCommand): Promise<unknown> => {
    switch (command.command) {
      case 'scan':
      case 'refresh':
        return page.scan();
      case 'toggle-highlights':
        page.toggleHighlights();
        return Promise.resolve();
      case 'lookup-selection':
        return lookUpSelection(page, interaction, command.text);
    }
  };
  // `sendResponse` and `true` rather than a returned promise: the native API (no polyfill here)
  // answers asynchronously that way in every browser.
  const onMessage = (message: unknown, sender: { id?: string }, sendResponse: (answer: unknown) => void) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const command = parsePageCommand(message);
    if (!command) return undefined;
    void run(command).then(
      () => sendResponse({ ok: true }),
      () => sendResponse({ ok: false }),
    );
    return true;
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
  if (config.data.mode === 'auto' && config.data.scan) await page.scan();
}

/** "Look up in MISP" on a selection: the first indicator in it, in a card. */
async function lookUpSelection(page: PageController, interaction: PageInteraction, text: string) {
  const first = await page.firstIndicatorIn(text);
  if (!first) {
    await interaction.openFor({
      value: text.trim().slice(0, 80) || 'selection',
      message: 'No indicator in the selection.',
    });
    return;
  }
  await interaction.openFor({ value: first.value, kind: first.kind });
}

/** Smallest frame that can show an indicator: a tracking pixel or a collapsed ad slot cannot. */
const MIN_FRAME_PX = 8;

/**
 * Whether a frame can hold anything worth a scan: a top-level page always; a sub-frame only when it
 * has a box and some text (an `about:blank` ad slot, a 0×0 tracker and an empty frame cost this
 * check and nothing else: no message, no overlay).
 */
export function worthScanning(doc: Document, win: Window = window): boolean {
  if (win.top === win) return true;
  if (win.innerWidth < MIN_FRAME_PX || win.innerHeight < MIN_FRAME_PX) return false;
  if (!doc.body) return false;
  // The first text that is not only whitespace ends the walk (no copy of the frame's text).
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (/\S/.test(node.nodeValue ?? '')) return true;
  }
  return false;
}
