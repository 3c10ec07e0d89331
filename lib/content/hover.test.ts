// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Card, CardFactory, CardOpenRequest } from './card-port';
import { CARD_CLOSE_DELAY_MS, HOVER_DELAY_MS, PageInteraction } from './hover';
import type { IndicatorHit, PageContext, PageController } from './page-controller';

/** A browser event as the browser makes it (happy-dom's own are untrusted, like a page's). */
function trusted<E extends Event>(event: E): E {
  Object.defineProperty(event, 'isTrusted', { value: true });
  return event;
}

function setup() {
  const stop = new AbortController();
  const invalidated: Array<() => void> = [];
  const ctx: PageContext = {
    signal: stop.signal,
    get isInvalid() {
      return stop.signal.aborted;
    },
    onInvalidated: (callback) => void invalidated.push(callback),
  };
  const text = document.createTextNode('seen at 45.133.1.9 today');
  document.body.append(text);
  const hit: IndicatorHit = {
    value: '45.133.1.9',
    kind: 'ipv4',
    occurrence: { value: '45.133.1.9', startNode: text, startOffset: 8, endNode: text, endOffset: 18 },
  };
  let under: IndicatorHit | undefined;
  let relayouts = 0;
  const page = {
    overlay: {
      root: document.createElement('div').attachShadow({ mode: 'open' }),
      host: document.createElement('div'),
    },
    indicatorAt: () => under,
    indicatorAtSelection: () => hit,
    relayout: () => void relayouts++,
  } as unknown as PageController;
  const opened: CardOpenRequest[] = [];
  let value: string | undefined;
  const card: Card = {
    open: async (request) => {
      opened.push(request);
      value = request.value;
    },
    close: () => {
      value = undefined;
    },
    position: () => {},
    get value() {
      return value;
    },
  };
  let loads = 0;
  const factory: CardFactory = () => card;
  const interaction = new PageInteraction(ctx, page, async () => {
    loads++;
    return factory;
  });
  const move = (isTrusted = true) => {
    const event = new MouseEvent('mousemove', { clientX: 10, clientY: 10, bubbles: true });
    document.dispatchEvent(isTrusted ? trusted(event) : event);
  };
  return {
    interaction,
    opened,
    move,
    point: (target: IndicatorHit | undefined) => {
      under = target;
    },
    hit,
    card,
    loads: () => loads,
    relayouts: () => relayouts,
    stop: () => {
      stop.abort();
      for (const callback of invalidated) callback();
    },
  };
}

describe('pointer, keys and re-layout in the page', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('a pointer resting on any indicator opens its card after the hover delay, loading the card once', async () => {
    const t = setup();
    t.point(t.hit);
    t.move();
    await vi.advanceTimersByTimeAsync(HOVER_DELAY_MS - 50);
    expect(t.opened).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(t.opened.map((r) => [r.value, r.kind, r.focus])).toEqual([['45.133.1.9', 'ipv4', false]]);
    // Moving on the same value keeps the card; nothing is loaded again.
    t.move();
    await vi.advanceTimersByTimeAsync(HOVER_DELAY_MS * 2);
    expect(t.opened).toHaveLength(1);
    expect(t.loads()).toBe(1);
    t.stop();
  });

  it("a page's synthetic pointer moves and keys open nothing", async () => {
    const t = setup();
    t.point(t.hit);
    t.move(false);
    document.dispatchEvent(new KeyboardEvent('keydown', { altKey: true, shiftKey: true, code: 'KeyM' }));
    await vi.advanceTimersByTimeAsync(HOVER_DELAY_MS * 3);
    expect(t.opened).toEqual([]);
    expect(t.loads()).toBe(0);
    t.stop();
  });

  it('Alt+Shift+M on an indicator opens its card with focus; Escape closes it', async () => {
    const t = setup();
    document.dispatchEvent(
      trusted(new KeyboardEvent('keydown', { altKey: true, shiftKey: true, code: 'KeyM', bubbles: true })),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(t.opened.map((r) => r.focus)).toEqual([true]);
    document.dispatchEvent(trusted(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(t.card.value).toBeUndefined();
    t.stop();
  });

  it('the card closes a moment after the pointer leaves the indicator', async () => {
    const t = setup();
    t.point(t.hit);
    t.move();
    await vi.advanceTimersByTimeAsync(HOVER_DELAY_MS + 20);
    expect(t.card.value).toBe('45.133.1.9');
    t.point(undefined);
    t.move();
    await vi.advanceTimersByTimeAsync(20);
    expect(t.card.value).toBe('45.133.1.9');
    await vi.advanceTimersByTimeAsync(CARD_CLOSE_DELAY_MS);
    expect(t.card.value).toBeUndefined();
    t.stop();
  });

  it('re-lays marks for real scrolls only, once per frame however many arrive', async () => {
    const t = setup();
    for (let i = 0; i < 50; i++) window.dispatchEvent(new Event('scroll'));
    await vi.advanceTimersByTimeAsync(50);
    expect(t.relayouts()).toBe(0);
    for (let i = 0; i < 50; i++) window.dispatchEvent(trusted(new Event('scroll')));
    await vi.advanceTimersByTimeAsync(50);
    expect(t.relayouts()).toBe(1);
    t.stop();
  });
});
