import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { PublicInstance } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';

/** The tab this popup is about: `?tab=<id>` when given, else the active tab of the current window. */
export async function resolvePopupTab(
  search: string,
): Promise<{ id: number; title: string; url: string } | null> {
  const requested = Number.parseInt(new URLSearchParams(search).get('tab') ?? '', 10);
  const tab = Number.isInteger(requested)
    ? await browser.tabs.get(requested).catch(() => undefined)
    : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  if (tab?.id === undefined) return null;
  return { id: tab.id, title: tab.title ?? '', url: tab.url ?? '' };
}

export function PopupApp() {
  const [tab, setTab] = useState<{ id: number; title: string; url: string } | null | undefined>(undefined);
  const [instances, setInstances] = useState<PublicInstance[] | null>(null);

  useEffect(() => {
    void resolvePopupTab(location.search).then(setTab);
    void sendToBackground('instances/list', {}).then((result) => setInstances(result.ok ? result.data : []));
  }, []);

  const configured = instances && instances.length > 0;
  return (
    <main style={{ width: '26rem', maxWidth: '100%', padding: '0.8rem', boxSizing: 'border-box' }}>
      <h1>Sightline</h1>
      {tab === null && <p class="status-error">This tab cannot be inspected.</p>}
      {tab && (
        <section aria-label="Page">
          <p class="hint" data-tab-id={tab.id}>
            {tab.title || tab.url}
          </p>
        </section>
      )}
      {instances && !configured && (
        <p>
          Sightline is not connected to a MISP yet.{' '}
          <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
            Open the options
          </a>{' '}
          to add one.
        </p>
      )}
      {configured && (
        <p class="hint">Connected to {instances.map((instance) => instance.name).join(', ')}.</p>
      )}
    </main>
  );
}
