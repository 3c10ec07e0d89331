import { type Card, type CardFactory, type CardOpenRequest, loadCardFactory } from './card-port';
import type { IndicatorHit, PageContext, PageController } from './page-controller';
import { occurrenceRange } from './page-scan';

/** The same delay for every indicator, whatever MISP said about it. */
export const HOVER_DELAY_MS = 250;
export const CARD_CLOSE_DELAY_MS = 300;

/**
 * Pointer, keys and re-layout for one frame: which indicator the analyst rests on, when its card
 * opens and closes, and keeping marks and card in place on scroll and resize. Only trusted input
 * counts (a page can dispatch synthetic events at anything it can reach), and re-layout runs at most
 * once per animation frame however many events arrive.
 */
export class PageInteraction {
  private card: Card | undefined;
  private cardLoading: Promise<Card | undefined> | undefined;
  private hoverTimer: ReturnType<typeof setTimeout> | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private pointerInCard = false;
  private openHit: IndicatorHit | undefined;
  private pendingPointer: { x: number; y: number } | undefined;
  private pointerFrame = false;
  private layoutFrame = false;

  constructor(
    private readonly ctx: PageContext,
    private readonly page: PageController,
    private readonly loadFactory: () => Promise<CardFactory | undefined> = loadCardFactory,
    private readonly win: Window = window,
  ) {
    const signal = ctx.signal;
    const relayout = (event: Event) => {
      if (event.isTrusted) this.queueLayout();
    };
    win.addEventListener('scroll', relayout, { capture: true, passive: true, signal });
    win.addEventListener('resize', relayout, { passive: true, signal });
    const resizeObserver = new ResizeObserver(() => this.queueLayout());
    resizeObserver.observe(win.document.documentElement);
    win.document.addEventListener('mousemove', (event) => this.onPointerMove(event), {
      passive: true,
      signal,
    });
    win.document.addEventListener('keydown', (event) => this.onKeyDown(event), { capture: true, signal });
    ctx.onInvalidated(() => {
      resizeObserver.disconnect();
      this.clearTimers();
      this.card?.close();
    });
  }

  /** Opens the card for a value outside the page's own text (a selection's first indicator, a message). */
  async openFor(request: Omit<CardOpenRequest, 'focus'>, hit?: IndicatorHit): Promise<void> {
    this.openHit = hit;
    const card = await this.ensureCard();
    await card?.open({ ...request, focus: true });
  }

  private queueLayout(): void {
    if (this.layoutFrame) return;
    this.layoutFrame = true;
    this.win.requestAnimationFrame(() => {
      this.layoutFrame = false;
      if (this.ctx.isInvalid) return;
      this.page.relayout();
      this.card?.position();
    });
  }

  /** Pointer moves are read once per frame: the hit test asks the browser for the text under the point. */
  private onPointerMove(event: MouseEvent): void {
    if (!event.isTrusted || this.pointerInCard) return;
    this.pendingPointer = { x: event.clientX, y: event.clientY };
    if (this.pointerFrame) return;
    this.pointerFrame = true;
    this.win.requestAnimationFrame(() => {
      this.pointerFrame = false;
      const point = this.pendingPointer;
      if (point && !this.ctx.isInvalid) this.pointerAt(point.x, point.y);
    });
  }

  private pointerAt(x: number, y: number): void {
    if (this.pointerInCard) return;
    const hit = this.page.indicatorAt(x, y);
    if (this.hoverTimer !== undefined) {
      clearTimeout(this.hoverTimer);
      this.hoverTimer = undefined;
    }
    if (hit) {
      this.cancelClose();
      if (hit.value !== this.card?.value) {
        this.hoverTimer = setTimeout(() => {
          this.hoverTimer = undefined;
          void this.open(hit, { x, y }, false);
        }, HOVER_DELAY_MS);
      }
    } else if (this.card?.value !== undefined && this.closeTimer === undefined) {
      this.closeTimer = setTimeout(() => {
        this.closeTimer = undefined;
        if (!this.pointerInCard) this.card?.close();
      }, CARD_CLOSE_DELAY_MS);
    }
  }

  /** Alt+Shift+M with the caret or selection on any indicator opens its card; Escape closes it. */
  private onKeyDown(event: KeyboardEvent): void {
    if (!event.isTrusted) return;
    if (event.key === 'Escape' && this.card?.value !== undefined) {
      this.card.close();
      return;
    }
    if (event.altKey && event.shiftKey && event.code === 'KeyM') {
      const hit = this.page.indicatorAtSelection();
      if (hit) {
        event.preventDefault();
        void this.open(hit, undefined, true);
      }
    }
  }

  private async open(hit: IndicatorHit, anchor: { x: number; y: number } | undefined, focus: boolean) {
    this.openHit = hit;
    const card = await this.ensureCard();
    if (!card || this.ctx.isInvalid || this.openHit !== hit) return;
    await card.open({
      value: hit.value,
      ...(hit.kind ? { kind: hit.kind } : {}),
      ...(anchor ? { anchor } : {}),
      focus,
    });
  }

  private ensureCard(): Promise<Card | undefined> {
    this.cardLoading ??= this.loadFactory().then((factory) => {
      if (!factory) {
        this.cardLoading = undefined;
        return undefined;
      }
      this.card = factory({
        root: this.page.overlay.root,
        host: this.page.overlay.host,
        signal: this.ctx.signal,
        anchorRect: () => {
          const occurrence = this.openHit?.occurrence;
          if (!occurrence?.startNode.isConnected) return undefined;
          return occurrenceRange(occurrence)?.getClientRects()[0];
        },
        pointerInCard: (inside) => {
          this.pointerInCard = inside;
          if (inside) this.cancelClose();
          else
            this.closeTimer = setTimeout(() => {
              this.closeTimer = undefined;
              this.card?.close();
            }, CARD_CLOSE_DELAY_MS);
        },
        closed: () => {
          this.openHit = undefined;
          this.pointerInCard = false;
        },
      });
      return this.card;
    });
    return this.cardLoading;
  }

  private cancelClose(): void {
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  private clearTimers(): void {
    if (this.hoverTimer !== undefined) clearTimeout(this.hoverTimer);
    this.cancelClose();
  }
}
