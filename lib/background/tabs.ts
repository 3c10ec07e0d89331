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
 * The frame a tab's PDF is reported as (read by the background, lib/pdf): no content script's frame
 * id (those are 0 or more), so the viewer page's own empty report never replaces it.
 */
export const PDF_FRAME_ID = -1;

export class TabReports {
  private readonly tabs = new Map<number, TabReport>();

  constructor(private readonly session: SessionArea) {}

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
    tab.frames[String(frameId)] = report;
    this.tabs.set(tabId, tab);
    await this.session.set({ [storageKey(tabId)]: tab });
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
