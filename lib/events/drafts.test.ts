import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addSelectionToDraft } from '../background/menus';
import {
  addExtras,
  clearDraft,
  draftFor,
  indicatorsInText,
  loadDraft,
  saveDraft,
  updateDraft,
  watchDraft,
} from './drafts';

const tab = { id: 4, url: 'https://blog.example/post', title: 'A post' };

describe('drafts per tab', () => {
  beforeEach(() => fakeBrowser.reset());

  it('come back for the same tab and URL, and are cleared after a submission', async () => {
    const draft = await draftFor(tab);
    await saveDraft({ ...draft, form: { ...draft.form, info: 'edited' } });
    const again = await draftFor(tab);
    expect(again.key).toBe(draft.key);
    expect(again.form.info).toBe('edited');
    await clearDraft(tab.id);
    expect(await loadDraft(tab.id)).toBeUndefined();
    expect((await draftFor(tab)).key).not.toBe(draft.key);
  });

  it('are not reused when the tab shows another page', async () => {
    const draft = await draftFor(tab);
    await saveDraft(draft);
    const other = await draftFor({ ...tab, url: 'https://blog.example/other', title: 'Other' });
    expect(other.key).not.toBe(draft.key);
    expect(other.form.info).toBe('Other');
  });

  it('"Add selection to draft event" adds the selection\'s indicators, selected, once each', async () => {
    expect(await addSelectionToDraft(tab, 'C2 at 203.0.113[.]9 and evil-cdn[.]xyz, again 203.0.113.9')).toBe(
      2,
    );
    await addSelectionToDraft(tab, '203.0.113.9');
    const draft = await draftFor(tab);
    expect(draft.extras.map((extra) => extra.value)).toEqual(['203.0.113.9', 'evil-cdn.xyz']);
    expect(draft.selected['203.0.113.9']).toMatchObject({ type: 'ip-dst', category: 'Network activity' });
    expect(Object.keys(draft.selected)).toHaveLength(2);
    expect(await addSelectionToDraft(tab, 'no indicators here')).toBe(0);
  });

  it('two writers (popup and context menu) each change the stored draft: neither undoes the other', async () => {
    const draft = await draftFor(tab);
    await saveDraft(draft);
    // The popup edits the info while the context menu adds a selection, at the same moment.
    await Promise.all([
      updateDraft(tab, (stored) => ({ ...stored, form: { ...stored.form, info: 'typed in the popup' } })),
      addSelectionToDraft(tab, 'beacon to 198.51.100[.]23'),
    ]);
    const stored = await loadDraft(tab.id);
    expect(stored?.key).toBe(draft.key);
    expect(stored?.form.info).toBe('typed in the popup');
    expect(stored?.selected['198.51.100.23']).toBeDefined();
    // A later popup edit starts from the stored draft, so the addition stays.
    await updateDraft(tab, (current) => ({ ...current, form: { ...current.form, tlp: 'red' } }));
    expect((await loadDraft(tab.id))?.extras.map((extra) => extra.value)).toEqual(['198.51.100.23']);
  });

  it('the open popup follows the stored draft until it closes', async () => {
    const seen: Array<string | undefined> = [];
    const controller = new AbortController();
    watchDraft(tab.id, (draft) => seen.push(draft?.extras[0]?.value), controller.signal);
    await addSelectionToDraft(tab, '203.0.113[.]5');
    await vi.waitFor(() => expect(seen).toEqual(['203.0.113.5']));
    controller.abort();
    await addSelectionToDraft(tab, '203.0.113[.]6');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['203.0.113.5']);
  });

  it('extracts defanged text', () => {
    expect(indicatorsInText('hxxp://a-bad-site[.]xyz/p')).toMatchObject([
      { type: 'url', value: 'http://a-bad-site.xyz/p', count: 1 },
    ]);
    const draft = addExtras({ ...fakeDraft() }, indicatorsInText('1.2.3.4'), false);
    expect(draft.selected).toEqual({});
  });
});

function fakeDraft() {
  return {
    key: '0b8a6c1e-7f0e-4d7e-9f3b-2d6a8b1c4e5f',
    tabId: 1,
    url: '',
    selected: {},
    extras: [],
    form: {
      info: '',
      date: '2024-01-01',
      distribution: 0,
      threatLevel: 4,
      analysis: 0,
      tlp: '',
      pap: '',
      tags: [],
      includeUrl: true,
      publish: false,
      groupObjects: true,
      ungrouped: [],
      clusters: [],
    },
    updatedAt: 0,
  };
}
