import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AlertsPanel } from './AlertsPanel';
import { PagePanel } from './PagePanel';
import { SightingsPanel } from './SightingsPanel';

export interface PopupTab {
  id: number;
  title: string;
  url: string;
}

/** The tab this popup is about: `?tab=<id>` when given, else the active tab of the current window. */
export async function resolvePopupTab(search: string): Promise<PopupTab | null> {
  const requested = Number.parseInt(new URLSearchParams(search).get('tab') ?? '', 10);
  const tab = Number.isInteger(requested)
    ? await browser.tabs.get(requested).catch(() => undefined)
    : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  if (tab?.id === undefined) return null;
  return { id: tab.id, title: tab.title ?? '', url: tab.url ?? '' };
}

/** The popup's panels, in tab order: one component (and file) each. */
const PANELS: Array<{ id: string; label: string; Panel: FunctionComponent<{ tab: PopupTab }> }> = [
  { id: 'page', label: 'Page', Panel: PagePanel },
  { id: 'sightings', label: 'Sightings', Panel: SightingsPanel },
  { id: 'alerts', label: 'Alerts', Panel: AlertsPanel },
];

export function PopupApp() {
  const [tab, setTab] = useState<PopupTab | null | undefined>(undefined);
  // `?panel=alerts` (a summary notification's click) opens on that panel.
  const requested = new URLSearchParams(location.search).get('panel');
  const [active, setActive] = useState(PANELS.find((panel) => panel.id === requested)?.id ?? PANELS[0]!.id);
  useEffect(() => {
    void resolvePopupTab(location.search).then(setTab);
  }, []);
  const current = PANELS.find((panel) => panel.id === active) ?? PANELS[0]!;
  return (
    <main class="popup">
      <h1>Sightline</h1>
      {PANELS.length > 1 && (
        <div role="tablist" aria-label="Sightline views" class="tabs">
          {PANELS.map((panel) => (
            <button
              key={panel.id}
              type="button"
              role="tab"
              id={`tab-${panel.id}`}
              aria-selected={panel.id === active}
              aria-controls={`panel-${panel.id}`}
              tabIndex={panel.id === active ? 0 : -1}
              onClick={() => setActive(panel.id)}
            >
              {panel.label}
            </button>
          ))}
        </div>
      )}
      {tab === null && <p class="status-error">This tab cannot be inspected.</p>}
      {tab && (
        <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
          <current.Panel tab={tab} />
        </div>
      )}
    </main>
  );
}
