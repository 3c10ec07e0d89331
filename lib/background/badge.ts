import { browser } from 'wxt/browser';

const BADGE_COLOURS = ['#5f6368', '#d32f2f', '#ef6c00', '#f9a825', '#1e88e5'];

/** The toolbar badge: how many indicators on the tab MISP knows, coloured by the worst threat level. */
export async function updateBadge(
  tabId: number,
  badge: { known: number; threatLevel: number },
): Promise<void> {
  if (tabId < 0) return;
  try {
    await browser.action.setBadgeText({ tabId, text: badge.known > 0 ? String(badge.known) : '' });
    await browser.action.setBadgeBackgroundColor({
      tabId,
      color: BADGE_COLOURS[badge.threatLevel] ?? '#5f6368',
    });
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
