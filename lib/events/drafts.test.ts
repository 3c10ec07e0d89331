import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addSelectionToDraft } from '../background/menus';
import { addExtras, clearDraft, draftFor, indicatorsInText, loadDraft, saveDraft } from './drafts';

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
