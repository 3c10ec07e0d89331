// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addSelectionToDraft } from '../../../lib/background/menus';
import { loadDraft } from '../../../lib/events/drafts';
import type { Draft } from '../../../lib/events/model';
import { mountPoint } from '../../dom.test-support';
import { useDraft } from './useDraft';

const tab = { id: 9, url: 'https://blog.example/report', title: 'A report' };

describe('useDraft: the popup and the context menu write one draft', () => {
  const point = mountPoint();
  let current: ReturnType<typeof useDraft>;
  let history: string[] = [];
  const Probe = () => {
    current = useDraft(tab);
    if (current.draft) history.push(current.draft.form.info);
    return null;
  };
  const shown = (): Draft => {
    if (!current.draft) throw new Error('no draft yet');
    return current.draft;
  };

  beforeEach(async () => {
    fakeBrowser.reset();
    history = [];
    await act(async () => {
      render(<Probe />, point.root);
    });
    await vi.waitFor(() => expect(current.draft).not.toBeNull());
  });

  it('keeps every keystroke of fast typing, on screen and in storage', async () => {
    // Keystrokes as they come: each renders before the writes of the previous ones have landed.
    for (const info of ['O', 'Op', 'Ope', 'Oper']) {
      current.change((d) => ({ ...d, form: { ...d.form, info } }));
      await Promise.resolve();
    }
    expect(shown().form.info).toBe('Oper');
    await vi.waitFor(async () => expect((await loadDraft(tab.id))?.form.info).toBe('Oper'));
    await act(async () => {});
    expect(shown().form.info).toBe('Oper');
    // The field was never set back to an older value while the writes landed.
    const typed = history.slice(history.indexOf('O'));
    expect(typed.every((info, i) => i === 0 || info.length >= (typed[i - 1]?.length ?? 0))).toBe(true);
  });

  it('shows an addition from the context menu at once, and the next edit keeps it', async () => {
    await act(async () => {
      await addSelectionToDraft(tab, 'C2 at 198.51.100[.]77');
    });
    await vi.waitFor(() => expect(shown().selected['198.51.100.77']).toBeDefined());
    await act(async () => {
      current.change((d) => ({ ...d, form: { ...d.form, tlp: 'red' } }));
    });
    await vi.waitFor(async () => expect((await loadDraft(tab.id))?.form.tlp).toBe('red'));
    expect((await loadDraft(tab.id))?.selected['198.51.100.77']).toBeDefined();
    expect(shown().extras.map((extra) => extra.value)).toEqual(['198.51.100.77']);
  });
});
