import { browser } from 'wxt/browser';

const BADGE_COLOURS = ['#5f6368', '#d32f2f', '#ef6c00', '#f9a825', '#1e88e5'];

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
        color: BADGE_COLOURS[badge.threatLevel] ?? '#5f6368',
      });
    }
    await browser.action.setTitle({
      tabId,
      title:
        badge.known > 0
          ? `Sightline: ${badge.known} indicator${badge.known === 1 ? '' : 's'} known to MISP`
          : 'Sightline',
    });
  } catch {
    // The tab closed meanwhile.
  }
}
