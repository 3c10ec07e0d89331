// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { TabIndicators } from '../../lib/messages';
import { useTestRoot } from '../test-root';
import { SightingsPanel } from './SightingsPanel';

let tab: TabIndicators;
vi.mock('../../lib/runtime', () => ({
  sendToBackground: async (type: string) => {
    if (type === 'tab/indicators') return { ok: true, data: tab };
    if (type === 'sightings/list') return { ok: true, data: { records: [] } };
    return { ok: true, data: { allowed: true } };
  },
}));

const EMPTY: TabIndicators = {
  tabId: 1,
  url: 'https://intranet.example/',
  title: '',
  indicators: [],
  problems: [],
};

describe('the Sightings tab on a page with nothing known', () => {
  const mounted = useTestRoot();
  async function show(data: TabIndicators) {
    tab = data;
    await act(() => render(<SightingsPanel tab={{ id: 1, title: '', url: data.url }} />, mounted.current));
    await act(async () => {});
  }

  it('says why when Sightline does not scan the page', async () => {
    await show({
      ...EMPTY,
      page: {
        scan: false,
        mode: 'auto',
        why: 'excluded',
        pattern: 'intranet.example',
        host: 'intranet.example',
        scanned: true,
      },
    });
    expect(mounted.current.textContent).toContain('intranet.example is in Sites never scanned.');
    expect(mounted.current.textContent).not.toContain('No indicator on this page is in MISP.');
  });

  it('says nothing is in MISP when the page was scanned', async () => {
    await show({ ...EMPTY, page: { scan: true, mode: 'auto', host: 'intranet.example', scanned: true } });
    expect(mounted.current.textContent).toContain('No indicator on this page is in MISP.');
  });
});
