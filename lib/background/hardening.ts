import { browser } from 'wxt/browser';

type AreaWithAccessLevel = { setAccessLevel?: (options: { accessLevel: string }) => Promise<void> };

/**
 * Keeps extension storage out of content scripts' reach where the browser allows it. `storage.session`
 * is trusted-only by default; this says so explicitly. Chromium (since 2024) also lets the extension
 * restrict `storage.local` to trusted contexts, so a content script — the one part of Sightline that
 * runs inside hostile pages — cannot read the instances and preferences. Firefox supports the call
 * only for `session`. The API keys are in neither area on any browser: they live in the background's
 * IndexedDB (lib/keys.ts).
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
