/**
 * Refuses writes from a card that was not fully visible and unobscured for a moment, so a page cannot
 * steer a trusted click onto "Mark false positive" by laying a decoy over the card or by showing the
 * card for a split second under the pointer. Chromium has IntersectionObserver v2 (`isVisible`: not
 * occluded, no opacity, filter or transform effects); elsewhere the click point and the card's
 * corners must hit the card itself, with no opacity, filter or hidden visibility on the way up.
 */

/** How long the card must have been visible before it accepts a write. */
export const ARMING_MS = 400;
/** IntersectionObserver v2's minimum: visibility is computed at most this often. */
const VISIBILITY_DELAY_MS = 100;

interface VisibilityEntry extends IntersectionObserverEntry {
  isVisible?: boolean;
}

export function hasVisibilityTracking(win: typeof globalThis = globalThis): boolean {
  const Entry = (win as { IntersectionObserverEntry?: { prototype: object } }).IntersectionObserverEntry;
  return Entry !== undefined && 'isVisible' in Entry.prototype;
}

/**
 * One card's arming: `onChange(true)` once the card has been visible for ARMING_MS (the card then
 * enables its write buttons), `onChange(false)` as soon as it is covered or faded again.
 */
export class CardGuard {
  /** Visible now, arming or armed. */
  private visible = false;
  private isArmed = false;
  private observer: IntersectionObserver | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly tracked: boolean;

  constructor(
    private readonly host: HTMLElement,
    private readonly onChange: (armed: boolean) => void = () => {},
    win: typeof globalThis = globalThis,
  ) {
    this.tracked = hasVisibilityTracking(win);
  }

  /** Starts the arming delay for a card element that was just shown. */
  watch(card: Element): void {
    this.stop();
    if (!this.tracked) {
      this.shown();
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries as VisibilityEntry[]) {
          if (entry.isVisible === true && entry.intersectionRatio >= 0.99) this.shown();
          else this.hidden();
        }
      },
      {
        threshold: [0, 0.5, 0.99, 1],
        trackVisibility: true,
        delay: VISIBILITY_DELAY_MS,
      } as IntersectionObserverInit,
    );
    this.observer.observe(card);
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.hidden();
  }

  private shown(): void {
    if (this.visible) return;
    this.visible = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.isArmed = true;
      this.onChange(true);
    }, ARMING_MS);
  }

  private hidden(): void {
    const was = this.isArmed;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.visible = false;
    this.isArmed = false;
    if (was) this.onChange(false);
  }

  /**
   * Whether a write from `target` (a button in `card`) may go ahead: the card has been visible for
   * ARMING_MS and nothing covers it. `point`: where the click landed (absent for a key press).
   */
  armed(card: Element, target: Element, point?: { x: number; y: number }): boolean {
    if (!this.isArmed) return false;
    return this.tracked || this.unobscured(card, target, point);
  }

  /** Without visibility tracking: the card is on top at the click and at its corners, and not faded. */
  private unobscured(card: Element, target: Element, point?: { x: number; y: number }): boolean {
    const doc = this.host.ownerDocument;
    const box = card.getBoundingClientRect();
    const button = target.getBoundingClientRect();
    const points = [
      point ?? { x: button.left + button.width / 2, y: button.top + button.height / 2 },
      { x: box.left + 2, y: box.top + 2 },
      { x: box.right - 2, y: box.top + 2 },
      { x: box.left + 2, y: box.bottom - 2 },
      { x: box.right - 2, y: box.bottom - 2 },
    ];
    // From the content script's side of the closed root, a hit on the card is a hit on our host.
    if (!points.every(({ x, y }) => doc.elementFromPoint(x, y) === this.host)) return false;
    for (let element: Element | null = this.host; element; element = element.parentElement) {
      const style = doc.defaultView?.getComputedStyle(element);
      if (!style) return false;
      // An empty value is the property's initial one (fully opaque, visible, no filter).
      if ((style.opacity !== '' && Number(style.opacity) < 1) || !['', 'visible'].includes(style.visibility))
        return false;
      if (style.filter !== 'none' && style.filter !== '') return false;
    }
    return true;
  }
}
