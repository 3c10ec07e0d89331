import { ask } from './messaging';

/**
 * The seam between the eager page layer and the hover card, which is loaded the first time a card
 * opens in a frame: the page layer asks the background (`card/load`), the background injects the card
 * bundle into this frame's isolated world with `scripting.executeScript`, and the bundle hands its
 * factory to the hook below. Nothing is web-accessible, so a page can neither load nor fingerprint it.
 */

export interface CardAnchor {
  x: number;
  y: number;
}

export interface CardOpenRequest {
  value: string;
  /** The indicator's kind (for "Copy defanged"), when the page layer knows it. */
  kind?: string;
  /** Where the pointer rested (the occurrence's own box is preferred, see `anchorRect`). */
  anchor?: CardAnchor;
  /** Keyboard: move focus into the card. */
  focus: boolean;
  /** A fixed message instead of MISP's matches ("No indicator in the selection."). */
  message?: string;
}

/** What the page layer gives the card. */
export interface CardHost {
  /** The overlay's closed shadow root, where the card is drawn. */
  root: ShadowRoot;
  /** The overlay's host element (the only thing a page can see of Sightline). */
  host: HTMLElement;
  signal: AbortSignal;
  /** The box of the occurrence the card is about, now (marks move with scrolling). */
  anchorRect(): DOMRect | undefined;
  /** The pointer entered or left the card (the page layer then keeps it open or closes it). */
  pointerInCard(inside: boolean): void;
  /** The card closed itself (Escape, ×, a click elsewhere). */
  closed(): void;
}

export interface Card {
  open(request: CardOpenRequest): Promise<void>;
  close(): void;
  /** Re-positions the card at its anchor (after scroll or resize). */
  position(): void;
  readonly value: string | undefined;
}

export type CardFactory = (host: CardHost) => Card;

/** The isolated world's hook (pages cannot see the content scripts' globals). */
const HOOK = '__sightlineCardFactory';
type Hook = (factory: CardFactory) => void;

/** Called by the card bundle when it has been injected. */
export function provideCardFactory(factory: CardFactory): void {
  const hook = (globalThis as Record<string, unknown>)[HOOK];
  if (typeof hook === 'function') (hook as Hook)(factory);
}

let loading: Promise<CardFactory | undefined> | undefined;

/** Loads the card bundle into this frame once; undefined when the background could not. */
export function loadCardFactory(): Promise<CardFactory | undefined> {
  loading ??= new Promise<CardFactory | undefined>((resolve) => {
    (globalThis as Record<string, unknown>)[HOOK] = ((factory) => {
      delete (globalThis as Record<string, unknown>)[HOOK];
      resolve(factory);
    }) satisfies Hook;
    // Injected, the bundle has called the hook before executeScript answers; otherwise nothing came.
    void ask('card/load', {}).then(() => resolve(undefined));
  }).then((factory) => {
    if (!factory) loading = undefined;
    return factory;
  });
  return loading;
}
