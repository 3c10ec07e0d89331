import { browser } from 'wxt/browser';

type AreaWithAccessLevel = { setAccessLevel?: (options: { accessLevel: string }) => Promise<void> };

/**
 * Keeps extension storage out of content scripts' reach. `storage.session` is trusted-only by default;
 * this says so explicitly. `storage.local` holds the API keys: Chromium (since 2024) lets the
 * extension restrict it to trusted contexts (extension pages and the service worker), so a content
 * script — the one part of Sightline that runs inside hostile pages — cannot read it even if a page
 * found a way to run code in its world. Firefox supports the call only for `session`; there, keys
 * reach content scripts by no message (see the security tests), which is the guarantee that holds.
 */
export async function restrictStorageToTrustedContexts(): Promise<string[]> {
  const restricted: string[] = [];
  for (const name of ['session', 'local'] as const) {
    const area = browser.storage[name] as unknown as AreaWithAccessLevel | undefined;
    if (!area?.setAccessLevel) continue;
    try {
      await area.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
      restricted.push(name);
    } catch {
      // This browser does not support restricting this area.
    }
  }
  return restricted;
}
