// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { fullTime, relativeTime } from '../lib/format/time';
import type { Match } from '../lib/lookup/matches';
import { HoverCard } from './card/HoverCard';
import { AlertsPanel } from './popup/AlertsPanel';
import { SightingsPanel } from './popup/SightingsPanel';
import { useTestRoot } from './test-root';

const NOW = Date.now();
const TEN_MIN_AGO = NOW - 10 * 60_000;
const answers: Record<string, unknown> = {};

vi.mock('../lib/runtime', () => ({
  sendToBackground: async (type: string) => ({ ok: true, data: answers[type] ?? {} }),
}));

const MATCH: Match = {
  instanceId: 'a',
  attribute: {
    id: '7',
    uuid: 'u7',
    type: 'ip-dst',
    category: 'Network activity',
    value: '203.0.113.9',
    toIds: true,
    comment: '',
    timestamp: 0,
    tags: [],
  },
  event: {
    id: '3',
    uuid: 'e3',
    info: 'Campaign',
    orgName: 'CIRCL',
    date: '2026-11-24',
    threatLevel: 1,
    analysis: 2,
    published: true,
    tags: [],
  },
  sightings: { sighting: 1, falsePositive: 2, expiration: 0, lastSeen: Math.floor(TEN_MIN_AGO / 1000) },
};

/** Every `<time>` in `root`: its text and its tooltip. */
function times(root: HTMLElement) {
  return [...root.querySelectorAll('time')].map((time) => ({ text: time.textContent, title: time.title }));
}

const expected = (ms: number) => ({ text: relativeTime(ms, NOW), title: fullTime(ms) });

describe('one way to write time: card, Sightings tab and Alerts', () => {
  const mounted = useTestRoot();

  it('the card writes "last seen" and its history relative, with the full time on hover', async () => {
    const seconds = Math.floor(TEN_MIN_AGO / 1000);
    await act(() =>
      render(
        <HoverCard
          value="203.0.113.9"
          state={{
            kind: 'ready',
            matches: [MATCH],
            instances: [{ id: 'a', name: 'A', url: 'https://misp' }],
          }}
          onClose={() => {}}
          controls={{
            buttons: [],
            instanceButtons: {},
            history: {
              'a:7': {
                kind: 'ready',
                rows: [{ id: '1', type: 0, date: seconds, orgName: 'CIRCL', source: '' }],
              },
            },
            onHistory: () => {},
          }}
        />,
        mounted.current,
      ),
    );
    expect(times(mounted.current)).toEqual([expected(seconds * 1000), expected(seconds * 1000)]);
    expect(mounted.current.textContent).toContain('1 sighting · 2 false positives · 0 expirations');
    // MISP's event day, in the browser's locale (not MISP's "2026-11-24").
    expect(mounted.current.textContent).not.toContain('2026-11-24');
    expect(mounted.current.textContent).not.toContain('UTC');
  });

  it('the Sightings tab writes when each sighting was recorded the same way', async () => {
    answers['tab/indicators'] = { tabId: 1, url: '', title: '', indicators: [], problems: [] };
    answers['sightings/permission'] = { allowed: true };
    answers['sightings/list'] = {
      records: [
        {
          key: 'k',
          instanceId: 'a',
          instanceName: 'A',
          values: ['203.0.113.9'],
          type: 0,
          source: 'https://report',
          createdAt: TEN_MIN_AGO,
          state: 'sent',
          attempts: 1,
          undoable: false,
          undoPending: false,
        },
      ],
    };
    await act(() => render(<SightingsPanel tab={{ id: 1, title: '', url: '' }} />, mounted.current));
    await act(async () => {});
    expect(times(mounted.current)).toEqual([expected(TEN_MIN_AGO)]);
  });

  it('the Alerts tab writes alerts and the last check the same way', async () => {
    answers['alerts/list'] = {
      alerts: [
        {
          id: 'x',
          instanceId: 'a',
          createdAt: TEN_MIN_AGO,
          read: false,
          kind: 'event',
          group: 'Rule',
          title: 'Watched tag: tlp:red',
          message: 'Event',
          url: 'https://misp/events/view/3',
        },
      ],
      unread: 1,
      problems: [],
      watching: ['tlp:red on A'],
      lastCheckedAt: TEN_MIN_AGO,
      remembering: false,
    };
    await act(() => render(<AlertsPanel />, mounted.current));
    await act(async () => {});
    expect(times(mounted.current)).toEqual([expected(TEN_MIN_AGO), expected(TEN_MIN_AGO)]);
  });
});
