import { browser } from 'wxt/browser';
import { countText } from '../format/count';
import { threatLevelColour } from '../threat-level';

/** The toolbar badge: how many indicators on the tab MISP knows, coloured by the worst threat level. */
export async function updateBadge(
  tabId: number,
  badge: { known: number; threatLevel: number },
): Promise<void> {
  if (tabId < 0) return;
  try {
    if (badge.known === 0) {
      // null clears the tab's own text so the window-wide badge (unread watched-tag alerts) shows through.
      await browser.action.setBadgeText({ tabId, text: null as unknown as string });
    } else {
      await browser.action.setBadgeText({ tabId, text: String(badge.known) });
      await browser.action.setBadgeBackgroundColor({
        tabId,
        color: threatLevelColour(badge.threatLevel),
      });
    }
    await browser.action.setTitle({
      tabId,
      title:
        badge.known > 0 ? `Sightline: ${countText(badge.known, 'indicator')} known to MISP` : 'Sightline',
    });
  } catch {
    // The tab closed meanwhile.
  }
}
