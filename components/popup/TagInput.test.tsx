// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseResponse } from '../../lib/messages';
import { TagInput } from './TagInput';

const sent: Array<{ type: string; payload: Record<string, unknown> }> = [];
let answer: (search: string) => Array<{ name: string; colour: string }> = () => [];

vi.mock('../../lib/runtime', () => ({
  sendToBackground: async (type: string, payload: Record<string, unknown>) => {
    sent.push({ type, payload });
    return { ok: true, data: answer(String(payload.search)) };
  },
}));

const TAGS = [
  { name: 'tlp:red', colour: '#CC0033' },
  { name: 'tlp:amber', colour: '#FFC000' },
];

function labelled(root: HTMLElement, name: string): HTMLInputElement {
  const label = [...root.querySelectorAll('label')].find((item) => item.textContent === name);
  const input = label ? root.querySelector<HTMLInputElement>(`#${label.htmlFor}`) : null;
  if (!input) throw new Error(`no control named ${name}`);
  return input;
}

async function type(input: HTMLInputElement, text: string) {
  await act(() => {
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await act(async () => {
    vi.advanceTimersByTime(250);
  });
  await act(async () => {});
}

async function press(input: HTMLInputElement, key: string) {
  await act(async () => {
    input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  });
  await act(async () => {});
}

describe('TagInput, the one tag combobox', () => {
  let root: HTMLElement;
  let tags: string[];
  const mount = (props: Partial<Parameters<typeof TagInput>[0]> = {}) => {
    const draw = () =>
      render(
        <TagInput
          tags={tags}
          onChange={(next) => {
            tags = next;
            draw();
          }}
          {...props}
        />,
        root,
      );
    draw();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    sent.length = 0;
    tags = [];
    answer = (search) => TAGS.filter((tag) => tag.name.toLowerCase().includes(search.toLowerCase()));
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.useRealTimers();
  });

  it('is the popup’s combobox "Tags" by default and the options’ "Watched tags" when named so', () => {
    mount();
    expect(labelled(root, 'Tags').getAttribute('role')).toBe('combobox');
    render(null, root);
    mount({ label: 'Watched tags', id: 'watch-tags', chipsLabel: 'Tags being watched' });
    expect(labelled(root, 'Watched tags').getAttribute('role')).toBe('combobox');
  });

  it('asks tags/search on the instance as the analyst types, and offers the suggestions with their colours', async () => {
    mount({ instanceId: 'misp-b' });
    const input = labelled(root, 'Tags');
    await type(input, 'tlp');
    expect(sent).toEqual([{ type: 'tags/search', payload: { search: 'tlp', instanceId: 'misp-b' } }]);
    const options = [...root.querySelectorAll('[role="option"]')];
    expect(options.map((option) => option.textContent)).toEqual(['tlp:red', 'tlp:amber']);
    expect(input.getAttribute('aria-expanded')).toBe('true');
    const swatch = options[0]?.querySelector<HTMLElement>('.sl-swatch')?.getAttribute('style') ?? '';
    expect(swatch.toLowerCase()).toMatch(/#cc0033|rgb\(204, 0, 51\)/);
    await press(input, 'ArrowDown');
    expect(input.getAttribute('aria-activedescendant')).toBe('tag-input-option-0');
    await press(input, 'Enter');
    expect(tags).toEqual(['tlp:red']);
    const chips = root.querySelector('[aria-label="Event tags"]');
    expect(chips?.textContent).toContain('tlp:red');
  });

  it('adds a typed tag in MISP’s own spelling when only the case differs; flags one MISP does not know', async () => {
    mount();
    const input = labelled(root, 'Tags');
    await type(input, 'TLP:RED');
    await press(input, 'Enter');
    expect(tags).toEqual(['tlp:red']);
    answer = () => [];
    await type(input, 'campaign:x');
    await press(input, 'Enter');
    await act(async () => {});
    expect(tags).toEqual(['tlp:red', 'campaign:x']);
    const unknown = [...root.querySelectorAll('.sl-chip')].find((chip) =>
      chip.textContent?.includes('campaign:x'),
    );
    expect(unknown?.className).toContain('sl-chip-unknown');
    const remove = root.querySelector<HTMLButtonElement>('[aria-label="Remove tag tlp:red"]');
    await act(() => remove?.click());
    expect(tags).toEqual(['campaign:x']);
  });

  it('a suggestion whose colour is not a hex colour never reaches the page (the protocol refuses it)', () => {
    const hostile = parseResponse('tags/search', {
      ok: true,
      data: [{ name: 'x', colour: 'url(https://attacker.example/ping)' }],
    });
    expect(hostile.ok).toBe(false);
    expect(parseResponse('tags/search', { ok: true, data: [{ name: 'x', colour: '#fff' }] }).ok).toBe(true);
  });
});
