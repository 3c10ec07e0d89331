import { z } from 'zod';
import { PageIndicatorSchema } from '../indicators/page-indicators';
import { ValueStatusSchema } from '../lookup/status';
import type { TabIndicators } from '../protocol/pages';

/**
 * What the content scripts of each tab reported: per frame, the indicators found and their status.
 * Kept in memory and mirrored to `storage.session` (trusted contexts only) so that the popup still
 * finds it after the service worker was stopped and restarted.
 */

const FrameReportSchema = z.object({
  url: z.string(),
  title: z.string(),
  indicators: z.array(PageIndicatorSchema.extend({ status: ValueStatusSchema })),
  updatedAt: z.number(),
});
export type FrameReport = z.infer<typeof FrameReportSchema>;

const TabReportSchema = z.object({ frames: z.record(z.string(), FrameReportSchema) });
type TabReport = z.infer<typeof TabReportSchema>;

export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

const storageKey = (tabId: number) => `tab:${tabId}`;

/**
 * What one tab may make the background hold: frames, indicators over all its frames, and how much of
 * `storage.session` (10 MB for the whole extension, drafts included) its mirror takes. Past these,
 * the tab's own report is cut, never another tab's.
 */
export const TAB_BUDGET = {
  frames: 32,
  indicators: 20_000,
  /** Indicators mirrored to `storage.session` per tab (known and benign ones first). */
  mirrored: 2_000,
} as const;

const STATUS_ORDER: Record<string, number> = { known: 0, error: 1, benign: 2 };

/**
 * The frame a tab's PDF is reported as (read by the background, lib/pdf): no content script's frame
 * id (those are 0 or more), so the viewer page's own empty report never replaces it.
 */
export const PDF_FRAME_ID = -1;

export class TabReports {
  private readonly tabs = new Map<number, TabReport>();

  constructor(
    private readonly session: SessionArea,
    private readonly log: Pick<Console, 'warn'> = console,
  ) {}

  async get(tabId: number): Promise<TabReport | undefined> {
    const inMemory = this.tabs.get(tabId);
    if (inMemory) return inMemory;
    const stored = TabReportSchema.safeParse((await this.session.get(storageKey(tabId)))[storageKey(tabId)]);
    if (!stored.success) return undefined;
    this.tabs.set(tabId, stored.data);
    return stored.data;
  }

  async setFrame(tabId: number, frameId: number, report: FrameReport): Promise<void> {
    const tab = (await this.get(tabId)) ?? { frames: {} };
    const id = String(frameId);
    const others = Object.entries(tab.frames).filter(([other]) => other !== id);
    // A new frame past the budget is not kept (the top frame always is).
    if (others.length >= TAB_BUDGET.frames && id !== '0' && !(id in tab.frames)) return;
    const used = others.reduce((sum, [, frame]) => sum + frame.indicators.length, 0);
    const room = Math.max(0, TAB_BUDGET.indicators - used);
    tab.frames[id] = { ...report, indicators: report.indicators.slice(0, room) };
    this.tabs.set(tabId, tab);
    try {
      await this.session.set({ [storageKey(tabId)]: mirrorOf(tab) });
    } catch (error) {
      // Session storage full or unavailable: this tab's report stays in memory; nothing else fails.
      this.log.warn(`Sightline: tab ${tabId}'s report is kept in memory only (${String(error)})`);
    }
  }

  async forget(tabId: number): Promise<void> {
    this.tabs.delete(tabId);
    await this.session.remove(storageKey(tabId));
  }

  /** All frames of a tab merged: one row per value, counts added, the top frame's URL and title. */
  async summary(tabId: number, problems: string[]): Promise<TabIndicators> {
    const tab = await this.get(tabId);
    const frames = Object.entries(tab?.frames ?? {}).sort(([a], [b]) => Number(a) - Number(b));
    const top =
      frames.find(([id]) => id === String(PDF_FRAME_ID))?.[1] ??
      frames.find(([id]) => id === '0')?.[1] ??
      frames[0]?.[1];
    const byValue = new Map<string, TabIndicators['indicators'][number]>();
    for (const [, frame] of frames) {
      for (const indicator of frame.indicators) {
        const seen = byValue.get(indicator.value);
        if (seen) seen.count += indicator.count;
        else byValue.set(indicator.value, { ...indicator });
      }
    }
    return {
      tabId,
      url: top?.url ?? '',
      title: top?.title ?? '',
      indicators: [...byValue.values()],
      problems,
    };
  }

  /** Known indicators on the tab and the most severe threat level among them (for the badge). */
  async badge(tabId: number): Promise<{ known: number; threatLevel: number }> {
    const summary = await this.summary(tabId, []);
    const known = summary.indicators.filter((indicator) => indicator.status.status === 'known');
    return {
      known: known.length,
      threatLevel: known.reduce((worst, indicator) => Math.min(worst, indicator.status.threatLevel ?? 4), 4),
    };
  }
}

/** The part of a tab's report kept in `storage.session`: at most TAB_BUDGET.mirrored indicators. */
export function mirrorOf(tab: TabReport): TabReport {
  const all = Object.entries(tab.frames).flatMap(([id, frame]) =>
    frame.indicators.map((indicator) => ({ id, indicator })),
  );
  if (all.length <= TAB_BUDGET.mirrored) return tab;
  const kept = new Set(
    all
      .map((entry, index) => ({ ...entry, index }))
      .sort(
        (a, b) =>
          (STATUS_ORDER[a.indicator.status.status] ?? 3) - (STATUS_ORDER[b.indicator.status.status] ?? 3) ||
          a.index - b.index,
      )
      .slice(0, TAB_BUDGET.mirrored)
      .map((entry) => entry.index),
  );
  const frames: TabReport['frames'] = {};
  let index = 0;
  for (const [id, frame] of Object.entries(tab.frames)) {
    frames[id] = { ...frame, indicators: frame.indicators.filter(() => kept.has(index++)) };
  }
  return { frames };
}
