import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { sendToBackground } from '../runtime';

/**
 * The content script's entry. Every listener and observer it creates is tied to `ctx`, so an
 * extension update or reload leaves nothing behind in the page.
 */
export async function startContentScript(ctx: ContentScriptContext): Promise<void> {
  const config = await sendToBackground('page/config', { url: location.href });
  if (ctx.isInvalid || !config.ok || !config.data.scan) return;
}
