// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { AlertsList } from '../../lib/watch/model';
import { useTestRoot } from '../test-root';
import { AlertsPanel } from './AlertsPanel';

let list: AlertsList;
vi.mock('../../lib/runtime', () => ({
  sendToBackground: async (type: string) =>
    type === 'alerts/list' ? { ok: true, data: list } : { ok: true, data: {} },
}));

const BASE: AlertsList = {
  alerts: [],
  unread: 0,
  problems: [],
  watching: ['any of tlp:red on MISP A'],
  lastCheckedAt: Date.now() - 120_000,
  remembering: false,
};

describe('the Alerts tab', () => {
  const mounted = useTestRoot();

  async function show(data: AlertsList) {
    list = data;
    await act(() => render(<AlertsPanel />, mounted.current));
    await act(async () => {});
  }

  it('while tags are watched, says what is watched and when it was last checked', async () => {
    await show(BASE);
    const watching = mounted.current.querySelector('[aria-label="Watching"]')?.textContent ?? '';
    expect(watching).toContain('Watching any of tlp:red on MISP A.');
    expect(watching).toMatch(/Last checked .+\./);
    expect(watching).not.toContain('Choose tags to watch');
  });

  it('says why alerts do not come as browser notifications, with the way to the options', async () => {
    const problem =
      'Notifications from Sightline are turned off in the browser: alerts still reach the Alerts tab.';
    await show({ ...BASE, notificationProblem: problem });
    const note = mounted.current.querySelector('[role="note"][aria-label="Notifications"]');
    expect(note?.textContent).toContain(problem);
    expect(note?.querySelector('a')?.textContent).toBe('Open the options');
  });

  it('says nothing about notifications when they work', async () => {
    await show(BASE);
    expect(mounted.current.querySelector('[aria-label="Notifications"]')).toBeNull();
  });
});
