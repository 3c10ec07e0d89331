// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CardHost } from '../content/card-port';
import type { CardActionDeps } from './actions';
import { CardController } from './controller';
import { ARMING_MS } from './guard';
import { testMatch } from './test-matches';

type Answers = Record<string, (payload: Record<string, unknown>) => unknown>;

function setup(answers: Answers) {
  const hostElement = document.createElement('sightline-overlay');
  document.documentElement.append(hostElement);
  const root = hostElement.attachShadow({ mode: 'open' });
  const controller = new AbortController();
  const sent: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const copied: string[] = [];
  const deps = {
    ask: (async (type: string, payload: Record<string, unknown>) => {
      sent.push({ type, payload });
      const answer = answers[type];
      return answer
        ? { ok: true, data: answer(payload) }
        : { ok: false, error: { kind: 'x', message: 'no' } };
    }) as CardActionDeps['ask'],
    copy: async (text: string) => void copied.push(text),
  };
  const host: CardHost = {
    root: root as unknown as ShadowRoot,
    host: hostElement,
    signal: controller.signal,
    anchorRect: () => undefined,
    pointerInCard: () => {},
    closed: () => {},
  };
  const card = new CardController(host, deps);
  const buttons = () => [...root.querySelectorAll('button')].map((b) => b.textContent ?? '');
  const text = () => root.querySelector('[role="dialog"]')?.textContent ?? '';
  const click = (label: string) => {
    const button = [...root.querySelectorAll('button')].find((b) => b.textContent === label)!;
    // happy-dom's dispatched events are not trusted; the browser's are: stand in for a real click.
    const event = new MouseEvent('click', { bubbles: true, detail: 0 });
    Object.defineProperty(event, 'isTrusted', { value: true });
    button.dispatchEvent(event);
  };
  return { card, sent, copied, buttons, text, click, root, abort: () => controller.abort() };
}

const VALUE = 'cdn-update.site';
const matchesAnswer = (
  matches: unknown[],
  instances = [{ id: 'a', name: 'CIRCL', url: 'https://misp.a' }],
) => ({
  value: VALUE,
  matches,
  instances,
  theme: 'system',
});

describe('the hover card', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => {
    vi.useRealTimers();
    for (const el of document.documentElement.querySelectorAll('sightline-overlay')) el.remove();
  });

  it('a value MISP does not know gets the same card, saying so, with "Add to event draft" and "Copy defanged"', async () => {
    const t = setup({
      'card/matches': () => matchesAnswer([]),
      'sightings/permission': () => ({ allowed: true, instances: [{ instanceId: 'a', allowed: true }] }),
    });
    await t.card.open({ value: VALUE, kind: 'domain', focus: false });
    expect(t.text()).toContain('MISP does not know this value.');
    expect(t.buttons()).toEqual(['×', 'Add to event draft', 'Copy defanged']);
    t.click('Copy defanged');
    await vi.waitFor(() => expect(t.text()).toContain('Copied cdn-update[.]site'));
    expect(t.copied).toEqual(['cdn-update[.]site']);
  });

  it('a known value offers the sighting actions, enabled only once the card is armed', async () => {
    const t = setup({
      'card/matches': () => matchesAnswer([testMatch('a', '7', VALUE)]),
      'sightings/permission': () => ({ allowed: true, instances: [{ instanceId: 'a', allowed: true }] }),
      'sightings/record': () => ({
        records: [{ key: 'k1', state: 'sent', result: { sightingIds: ['1'] } }],
      }),
    });
    await t.card.open({ value: VALUE, focus: false });
    const record = () =>
      [...t.root.querySelectorAll('button')].find((b) => b.textContent === 'Record sighting')!;
    expect(t.buttons()).toContain('Mark false positive');
    expect(record().disabled).toBe(true);
    t.click('Record sighting');
    expect(t.sent.some((m) => m.type === 'sightings/record')).toBe(false);
    vi.advanceTimersByTime(ARMING_MS);
    expect(record().disabled).toBe(false);
  });

  it('hides the sighting actions where the key may not record sightings, and says why', async () => {
    const t = setup({
      'card/matches': () => matchesAnswer([testMatch('a', '7', VALUE)]),
      'sightings/permission': () => ({
        allowed: false,
        reason: 'Your MISP key (role Read Only) may not record sightings on CIRCL.',
        instances: [{ instanceId: 'a', allowed: false }],
      }),
    });
    await t.card.open({ value: VALUE, focus: false });
    await vi.waitFor(() => expect(t.text()).toContain('Recording sightings is not available'));
    expect(t.buttons()).toEqual(['×', 'Show sighting history', 'Add to event draft', 'Copy defanged']);
  });

  it('with several instances each section has its own buttons, none where that key lacks the permission', async () => {
    const t = setup({
      'card/matches': () =>
        matchesAnswer(
          [testMatch('a', '7', VALUE), testMatch('b', '8', VALUE)],
          [
            { id: 'a', name: 'CIRCL', url: 'https://misp.a' },
            { id: 'b', name: 'Partner', url: 'https://misp.b' },
          ],
        ),
      'sightings/permission': () => ({
        allowed: true,
        reason: 'Partner refuses.',
        instances: [
          { instanceId: 'a', allowed: true },
          { instanceId: 'b', allowed: false },
        ],
      }),
    });
    await t.card.open({ value: VALUE, focus: false });
    await vi.waitFor(() => expect(t.buttons()).toContain('Record sighting in CIRCL'));
    expect(t.buttons().filter((b) => b.endsWith('in Partner'))).toEqual([]);
    expect(t.buttons()).not.toContain('Record sighting');
  });

  it('an armed "Record sighting" shows the count at once, sends one message and offers Undo', async () => {
    const t = setup({
      'card/matches': () => matchesAnswer([testMatch('a', '7', VALUE)]),
      'sightings/permission': () => ({ allowed: true, instances: [{ instanceId: 'a', allowed: true }] }),
      'sightings/record': () => ({ records: [{ key: 'k1', state: 'queued' }] }),
    });
    await t.card.open({ value: VALUE, focus: false });
    vi.advanceTimersByTime(ARMING_MS);
    // Without visibility tracking (happy-dom) the click point must hit the card's host.
    document.elementFromPoint = () => t.root.host as Element;
    t.click('Record sighting');
    await vi.waitFor(() => expect(t.text()).toContain('queued and will be sent'));
    expect(t.text()).toContain('1 sighting ·');
    expect(t.sent.filter((m) => m.type === 'sightings/record')).toEqual([
      { type: 'sightings/record', payload: { values: [VALUE], type: 0 } },
    ]);
    expect(t.buttons()).toContain('Undo');
  });

  it('a click that lands on something else than the card (a decoy) records nothing', async () => {
    const t = setup({
      'card/matches': () => matchesAnswer([testMatch('a', '7', VALUE)]),
      'sightings/permission': () => ({ allowed: true, instances: [{ instanceId: 'a', allowed: true }] }),
      'sightings/record': () => ({ records: [] }),
    });
    await t.card.open({ value: VALUE, focus: false });
    vi.advanceTimersByTime(ARMING_MS);
    const decoy = document.createElement('div');
    document.body.append(decoy);
    document.elementFromPoint = () => decoy;
    t.click('Mark false positive');
    await vi.waitFor(() => expect(t.text()).toContain('nothing was recorded'));
    expect(t.sent.some((m) => m.type === 'sightings/record')).toBe(false);
  });

  it('closing clears the card', async () => {
    const t = setup({ 'card/matches': () => matchesAnswer([]) });
    await t.card.open({ value: VALUE, focus: false });
    t.card.close();
    expect(t.root.querySelector('[role="dialog"]')).toBeNull();
    expect(t.card.value).toBeUndefined();
  });
});
