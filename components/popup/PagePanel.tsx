import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { PublicInstance } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';
import type { PopupTab } from './PopupApp';

/** The popup's "Page" panel: what Sightline found on the tab. */
export function PagePanel({ tab }: { tab: PopupTab }) {
  const [instances, setInstances] = useState<PublicInstance[] | null>(null);
  useEffect(() => {
    void sendToBackground('instances/list', {}).then((result) => setInstances(result.ok ? result.data : []));
  }, []);
  const configured = instances && instances.length > 0;
  return (
    <section aria-label="Page">
      <p class="hint" data-tab-id={tab.id}>
        {tab.title || tab.url}
      </p>
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
    </section>
  );
}
