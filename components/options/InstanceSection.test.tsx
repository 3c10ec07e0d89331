// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PublicInstance } from '../../lib/messages';
import { InstanceSection } from './InstanceSection';
import { AUTOSAVE_DELAY_MS } from './instance/useInstanceForm';

const KEY = 'D'.repeat(40);
const sent: Array<{ type: string; payload: Record<string, unknown> }> = [];
let stored: PublicInstance[];

vi.mock('./instance/useHostAccess', () => ({
  accessIsOptional: () => false,
  hasHostAccess: async () => true,
  useHostAccess: () => ({ access: 'granted', setAccess() {}, async grant() {} }),
}));

vi.mock('../../lib/runtime', () => ({
  sendToBackground: async (type: string, payload: Record<string, unknown>) => {
    sent.push({ type, payload });
    switch (type) {
      case 'instances/list':
        return { ok: true, data: stored };
      case 'policy/get':
        return { ok: true, data: { lockInstances: false, locked: [], managedInstances: 0 } };
      case 'instances/save': {
        const input = payload.instance as { id?: string; url: string; name: string; keyFor?: string };
        const previous = stored.find((instance) => instance.id === input.id);
        const origin = new URL(input.url).origin;
        const keeps = previous?.keyOrigin === origin || input.keyFor === origin;
        const next: PublicInstance = {
          ...(previous ?? { id: 'new', keyHint: '', useForLookups: true, defaultForEvents: true }),
          name: input.name,
          url: input.url,
          hasKey: keeps,
          keyHint: keeps ? '••••DDDD' : '',
          ...(keeps ? { keyOrigin: origin } : {}),
        } as PublicInstance;
        if (!keeps) delete next.keyOrigin;
        stored = [...stored.filter((instance) => instance.id !== next.id), next];
        return { ok: true, data: next };
      }
      case 'instances/remove':
        stored = stored.filter((instance) => instance.id !== payload.id);
        return { ok: true, data: {} };
      case 'connection/test':
        return { ok: false, error: { kind: 'network', message: 'unreachable' } };
      default:
        return { ok: true, data: {} };
    }
  },
}));

const TEAM: PublicInstance = {
  id: 'team',
  name: 'Team MISP',
  url: 'https://misp.company.test',
  keyHint: '••••DDDD',
  hasKey: true,
  keyOrigin: 'https://misp.company.test',
  useForLookups: true,
  defaultForEvents: true,
};

function field(root: HTMLElement, label: string): HTMLInputElement {
  const element = [...root.querySelectorAll('label')].find((l) => l.textContent?.trim() === label);
  const input = element && root.querySelector<HTMLInputElement>(`#${element.htmlFor}`);
  if (!input) throw new Error(`no field ${label}`);
  return input;
}
function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
}
async function settle() {
  for (let i = 0; i < 6; i++) await act(async () => {});
}
async function type(input: HTMLInputElement, value: string) {
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
/** Lets the autosave delay pass (fake timers: no waiting). */
async function pause() {
  await act(() => {
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS + 50);
  });
  await settle();
}
const sentOf = (type: string) => sent.filter((message) => message.type === type);

describe('the options’ MISP instance editor', () => {
  let root: HTMLElement;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sent.length = 0;
    stored = [TEAM];
    root = document.createElement('div');
    document.body.append(root);
    await act(() => render(<InstanceSection />, root));
    await settle();
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.useRealTimers();
  });

  it('a pause while retyping the URL at another origin autosaves nothing and tests nothing with the stored key', async () => {
    await type(field(root, 'MISP URL'), 'https://misp.co');
    await pause();
    expect(sentOf('instances/save')).toEqual([]);
    expect(root.textContent).toContain('The stored key belongs to https://misp.company.test');
    await act(() => button(root, 'Test connection').click());
    await settle();
    expect(sentOf('connection/test')).toEqual([]);
    expect(root.querySelector('[role="status"]')?.textContent).toContain(
      'type the API key for https://misp.co',
    );
  });

  it('"Save" asks first: "Clear the key" saves the new origin without it', async () => {
    await type(field(root, 'MISP URL'), 'https://misp.co');
    await act(() => button(root, 'Save').click());
    await settle();
    const question = root.querySelector('[role="alertdialog"]');
    expect(question?.textContent).toContain('Use the stored key for https://misp.co?');
    expect(sentOf('instances/save')).toEqual([]);
    await act(() => button(root, 'Clear the key').click());
    await settle();
    expect(sentOf('instances/save').map((m) => m.payload.instance)).toEqual([
      expect.not.objectContaining({ keyFor: expect.anything() }),
    ]);
    expect(root.textContent).toContain('The stored key was cleared: type the API key for https://misp.co');
  });

  it('"Use the stored key" sends the confirmed origin with the save', async () => {
    await type(field(root, 'MISP URL'), 'https://misp.co/');
    await act(() => button(root, 'Save').click());
    await settle();
    await act(() => button(root, 'Use the stored key').click());
    await settle();
    expect(sentOf('instances/save')[0]?.payload.instance).toMatchObject({
      keyFor: 'https://misp.co',
      mustExist: true,
    });
  });

  it('a key that is not 40 characters is refused before anything is sent', async () => {
    await type(field(root, 'API key'), 'abc123');
    expect(root.textContent).toContain('this is 6 characters');
    await pause();
    await act(() => button(root, 'Save').click());
    await act(() => button(root, 'Test connection').click());
    await settle();
    expect(sentOf('instances/save')).toEqual([]);
    expect(sentOf('connection/test')).toEqual([]);
    expect(root.querySelector('[role="alert"]')?.textContent).toMatch(/^Not saved: A MISP API key/);
  });

  it('text that is not a URL is called "Not a URL"', async () => {
    await type(field(root, 'MISP URL'), 'not a url');
    expect(field(root, 'MISP URL').getAttribute('aria-invalid')).toBe('true');
    expect(root.textContent).toContain('Not a URL');
    expect(root.textContent).not.toContain('Add the scheme');
  });

  it('http:// to another machine with a key asks before it is saved', async () => {
    await type(field(root, 'MISP URL'), 'http://misp.lan.test');
    await type(field(root, 'API key'), KEY);
    await pause();
    expect(sentOf('instances/save')).toEqual([]);
    await act(() => button(root, 'Save').click());
    await settle();
    expect(root.querySelector('[role="alertdialog"]')?.textContent).toContain('unencrypted');
    await act(() => button(root, 'Send it unencrypted').click());
    await settle();
    expect(sentOf('instances/save')[0]?.payload.instance).toMatchObject({ allowInsecure: true, apiKey: KEY });
  });

  it('"Remove" asks "Remove Team MISP and its stored key?", then the card disappears at once and sends nothing more', async () => {
    await type(field(root, 'Name'), 'Team MISP renamed');
    await act(() => button(root, 'Remove').click());
    await settle();
    expect(root.querySelector('[role="alertdialog"]')?.textContent).toContain(
      'Remove Team MISP and its stored key?',
    );
    expect(sentOf('instances/remove')).toEqual([]);
    await act(() => button(root, 'Yes, remove').click());
    expect(root.querySelector('form')).toBeNull();
    await settle();
    // The edit typed before "Remove" was never autosaved behind the analyst's back.
    await pause();
    expect(sentOf('instances/remove').map((m) => m.payload)).toEqual([{ id: 'team' }]);
    expect(sentOf('instances/save')).toEqual([]);
    expect(root.textContent).toContain('Removed Team MISP and its stored key.');
  });

  it('"Cancel" keeps the instance', async () => {
    await act(() => button(root, 'Remove').click());
    await settle();
    await act(() => button(root, 'Cancel').click());
    await settle();
    expect(root.querySelector('[role="alertdialog"]')).toBeNull();
    expect(root.querySelectorAll('form')).toHaveLength(1);
    expect(sentOf('instances/remove')).toEqual([]);
  });
});
