import { describe, expect, it } from 'vitest';
import { type FrameReport, TAB_BUDGET, TabReports } from './tabs';

function frame(count: number, prefix: string, status: 'new' | 'known' = 'new'): FrameReport {
  return {
    url: 'https://blog.test/',
    title: 'Post',
    updatedAt: 0,
    indicators: Array.from({ length: count }, (_, i) => ({
      type: 'domain' as const,
      value: `${prefix}${i}.test`,
      original: `${prefix}${i}.test`,
      count: 1,
      status: { status },
    })),
  };
}

function memorySession(options: { failFor?: string } = {}) {
  const data = new Map<string, unknown>();
  return {
    data,
    async get(key: string) {
      return data.has(key) ? { [key]: data.get(key) } : {};
    },
    async set(items: Record<string, unknown>) {
      for (const [key, value] of Object.entries(items)) {
        if (key === options.failFor) throw new Error('QUOTA_BYTES quota exceeded');
        data.set(key, value);
      }
    },
    async remove(key: string) {
      data.delete(key);
    },
  };
}

describe('what one tab may make the background hold', () => {
  it('at most TAB_BUDGET.frames frames and TAB_BUDGET.indicators indicators over all of them', async () => {
    const reports = new TabReports(memorySession());
    for (let id = 0; id < TAB_BUDGET.frames + 10; id++) await reports.setFrame(1, id, frame(1000, `f${id}-`));
    const tab = await reports.get(1);
    expect(Object.keys(tab?.frames ?? {})).toHaveLength(TAB_BUDGET.frames);
    const total = Object.values(tab?.frames ?? {}).reduce((sum, f) => sum + f.indicators.length, 0);
    expect(total).toBe(TAB_BUDGET.indicators);
    // The top frame's report is always taken, and replaces its earlier one.
    await reports.setFrame(1, 0, frame(5, 'top-'));
    expect((await reports.get(1))?.frames['0']?.indicators).toHaveLength(5);
  });

  it('mirrors at most TAB_BUDGET.mirrored indicators to session storage, known values first', async () => {
    const session = memorySession();
    const reports = new TabReports(session);
    await reports.setFrame(2, 0, frame(TAB_BUDGET.mirrored + 500, 'new-'));
    await reports.setFrame(2, 1, frame(3, 'known-', 'known'));
    const mirrored = session.data.get('tab:2') as { frames: Record<string, FrameReport> };
    const values = Object.values(mirrored.frames).flatMap((f) => f.indicators.map((i) => i.value));
    expect(values).toHaveLength(TAB_BUDGET.mirrored);
    expect(values).toEqual(expect.arrayContaining(['known-0.test', 'known-1.test', 'known-2.test']));
  });

  it('a tab whose mirror cannot be written keeps working in memory, and other tabs are untouched', async () => {
    const session = memorySession({ failFor: 'tab:3' });
    const reports = new TabReports(session, { warn() {} });
    await reports.setFrame(3, 0, frame(10, 'a-'));
    await reports.setFrame(4, 0, frame(10, 'b-'));
    expect((await reports.summary(3, [])).indicators).toHaveLength(10);
    expect(session.data.has('tab:4')).toBe(true);
  });
});
