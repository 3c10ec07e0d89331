// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Draft, emptyDraft } from '../../lib/events/model';
import type { ValueStatus } from '../../lib/lookup/status';
import { IndicatorList, type ListedItem } from './IndicatorList';
import { ScanText } from './page/ScanText';

let statuses: Record<string, ValueStatus> = {};
vi.mock('../../lib/runtime', () => ({
  sendToBackground: async (type: string) =>
    type === 'lookup/values' ? { ok: true, data: { statuses } } : { ok: true, data: {} },
}));

const ip = (value: string, status: ValueStatus): ListedItem => ({
  type: 'ipv4',
  value,
  original: value,
  count: 1,
  status,
});
const NEW: ValueStatus = { status: 'new' };
const BENIGN: ValueStatus = { status: 'benign', benignList: 'RFC 1918' };

/** A page of 156 values: 150 new IPs and six domains. */
const PAGE: ListedItem[] = [
  ...Array.from({ length: 150 }, (_, i) => ip(`185.220.${Math.floor(i / 100)}.${i % 100}`, NEW)),
  ...Array.from({ length: 6 }, (_, i) => ({
    type: 'domain' as const,
    value: `c2-${i}.example-bad.net`,
    original: `c2-${i}.example-bad.net`,
    count: 1,
    status: NEW,
  })),
];

function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
}
const checkbox = (root: HTMLElement, name: string) =>
  root.querySelector<HTMLInputElement>(`input[type=checkbox][aria-label="${name}"]`);

describe('the popup’s indicator list', () => {
  let root: HTMLElement;
  let draft: Draft;
  let items: ListedItem[];
  let pasted: string[];
  const draw = () =>
    render(
      <>
        <IndicatorList
          items={items}
          draft={draft}
          pasted={pasted}
          onChange={(selected) => {
            draft = { ...draft, selected };
            draw();
          }}
        />
        <ScanText
          pageValues={new Set(PAGE.map((item) => item.value))}
          onDraft={(edit) => {
            const next = edit(draft);
            // As the Page panel does: extras the page scan lists are not listed twice.
            const onPage = new Set(PAGE.map((item) => item.value));
            const added = next.extras.filter((extra) => !onPage.has(extra.value));
            draft = next;
            pasted = added.map((extra) => extra.value);
            items = [...PAGE, ...added.map((extra) => ({ ...extra, status: statuses[extra.value] ?? NEW }))];
            draw();
          }}
          onStatuses={() => {}}
        />
      </>,
      root,
    );

  beforeEach(async () => {
    root = document.createElement('div');
    document.body.append(root);
    draft = emptyDraft({ id: 1, url: 'https://report.example/', title: 'Report' }, crypto.randomUUID());
    items = PAGE;
    pasted = [];
    statuses = {};
    await act(() => draw());
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  const countLine = () => root.querySelector('[aria-live="polite"]')?.textContent;

  it('says how many of how many are shown while a filter is typed, and how many are selected', async () => {
    expect(countLine()).toBe('156 indicators, 0 selected');
    const filter = root.querySelector<HTMLInputElement>('input[aria-label="Filter indicators"]')!;
    await act(() => {
      filter.value = 'example-bad';
      filter.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(countLine()).toBe('6 of 156 shown, 0 selected');
    await act(() => button(root, 'Select all new').click());
    expect(countLine()).toBe('6 of 156 shown, 6 selected');
  });

  it('"Clear selection" beside "Select all new" unticks everything', async () => {
    expect(button(root, 'Clear selection').disabled).toBe(true);
    await act(() => button(root, 'Select all new').click());
    expect(countLine()).toBe('156 indicators, 156 selected');
    await act(() => button(root, 'Clear selection').click());
    expect(countLine()).toBe('156 indicators, 0 selected');
    expect(checkbox(root, '185.220.0.1')?.checked).toBe(false);
  });

  it('"Scan text" lists what it added under "From pasted text", first, likely benign values unticked', async () => {
    statuses = { '10.1.2.3': BENIGN, '45.77.1.9': NEW, 'payload-drop.xyz': NEW };
    const textarea = root.querySelector<HTMLTextAreaElement>('textarea[aria-label="Scan text"]')!;
    await act(() => {
      textarea.value = 'Beacon to 45.77.1[.]9 and payload-drop[.]xyz from host 10.1.2.3 (185.220.0.1 again)';
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => button(root, 'Add indicators from text').click());
    await act(async () => {});
    const group = root.querySelector('[aria-label="From pasted text"]');
    expect(group).not.toBeNull();
    // The pasted group comes before the page's own groups.
    expect(root.querySelector('.sl-group')).toBe(group);
    const inGroup = [...(group?.querySelectorAll('.sl-item-row > input[type=checkbox]') ?? [])].map((box) =>
      box.getAttribute('aria-label'),
    );
    expect(inGroup.sort()).toEqual(['10.1.2.3', '45.77.1.9', 'payload-drop.xyz']);
    expect(checkbox(root, '45.77.1.9')?.checked).toBe(true);
    expect(checkbox(root, 'payload-drop.xyz')?.checked).toBe(true);
    expect(checkbox(root, '10.1.2.3')?.checked).toBe(false);
    expect(root.querySelector('[role="status"]')?.textContent).toBe(
      'Added 3 indicators from the text; 1 likely benign value not selected; 1 value already on the page.',
    );
  });

  it('a likely benign value ticked by hand is not flagged IDS', async () => {
    items = [ip('10.1.2.3', BENIGN), ip('45.77.1.9', NEW)];
    await act(() => draw());
    await act(() => checkbox(root, '10.1.2.3')?.click());
    await act(() => checkbox(root, '45.77.1.9')?.click());
    expect(draft.selected['10.1.2.3']?.toIds).toBe(false);
    expect(draft.selected['45.77.1.9']?.toIds).toBe(true);
    expect(checkbox(root, 'IDS flag for 10.1.2.3')?.checked).toBe(false);
  });
});
