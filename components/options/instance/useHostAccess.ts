import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { originPattern } from '../../../lib/url';

export type HostAccess = 'unknown' | 'granted' | 'missing';

/**
 * Whether host access is something the analyst grants (Firefox MV3: `optional_host_permissions`). In
 * Chrome, access comes with the install and the options page says nothing about it.
 */
export function accessIsOptional(): boolean {
  try {
    const manifest = z
      .object({ optional_host_permissions: z.array(z.string()).optional() })
      .safeParse(browser.runtime.getManifest());
    return (manifest.data?.optional_host_permissions?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/** Whether the browser lets Sightline reach a MISP origin (Firefox MV3 grants host access separately). */
export async function hasHostAccess(url: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [originPattern(url)] });
  } catch {
    return false;
  }
}

/** Host access to `url` (a normalised MISP URL), kept current, and the "Grant access" request. */
export function useHostAccess(url: string | undefined): {
  access: HostAccess;
  setAccess(access: HostAccess): void;
  grant(): Promise<void>;
} {
  const [access, setAccess] = useState<HostAccess>('unknown');
  useEffect(() => {
    if (!url) {
      setAccess('unknown');
      return;
    }
    let live = true;
    const check = () =>
      void hasHostAccess(url).then((granted) => {
        if (live) setAccess(granted ? 'granted' : 'missing');
      });
    check();
    // Access can also be granted or taken back elsewhere (about:addons → Permissions).
    browser.permissions.onAdded.addListener(check);
    browser.permissions.onRemoved.addListener(check);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(check);
      browser.permissions.onRemoved.removeListener(check);
    };
  }, [url]);

  async function grant() {
    if (!url) return;
    try {
      await browser.permissions.request({ origins: [originPattern(url)] });
    } catch {
      // Refused or not available: the check below tells.
    }
    setAccess((await hasHostAccess(url)) ? 'granted' : 'missing');
  }

  return { access, setAccess, grant };
}
