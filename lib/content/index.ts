import { h, render } from 'preact';
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import {
  type CardSightings,
  type HistoryState,
  HOVER_CARD_CSS,
  HoverCard,
  type HoverCardProps,
  historyKey,
} from '../../components/card/HoverCard';
import type { Extraction } from '../indicators/page-indicators';
import type { Match } from '../lookup/matches';
import type { ValueStatus } from '../lookup/status';
import { ContentCommandSchema } from '../protocol/content-commands';
import { sendToBackground } from '../runtime';
import type { Preferences } from '../settings';
import { SightingIntent } from '../sightings/intent';
import { CARD_UNDO_MS, SIGHTING_TYPE_LABELS, type SightingType } from '../sightings/model';
import { createOverlay, type MarkKind, type Overlay } from './overlay';
import { occurrenceRange, pruneDetached, type ScanResult, scanRoots } from './page-scan';

const MUTATION_DEBOUNCE_MS = 400;

/**
 * Extraction runs in the background, off the page's main thread. Asked twice at most: a background
 * the browser stopped mid-request answers the second time.
 */
async function extractInBackground(texts: string[]): Promise<Extraction | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await sendToBackground('page/extract', { texts });
    if (answer.ok) return answer.data;
  }
  return undefined;
}
const HOVER_DELAY_MS = 250;
const CARD_CLOSE_DELAY_MS = 300;

interface CardSightingState {
  permission: CardSightings['permission'];
  busy: boolean;
  message?: CardSightings['message'];
  undoKeys: string[];
  history: Record<string, HistoryState>;
}

const freshSightingState = (): CardSightingState => ({
  permission: undefined,
  busy: false,
  undoKeys: [],
  history: {},
});

/** The card's counts right after the analyst acted, before MISP confirms them. */
function withOptimisticCount(
  matches: Match[],
  type: SightingType,
  now: number,
  instanceId?: string,
): Match[] {
  return matches.map((match) => {
    if (match.viaCidr || (instanceId !== undefined && match.instanceId !== instanceId)) return match;
    const counts = { ...match.sightings, lastSeen: now };
    if (type === 0) counts.sighting++;
    else if (type === 1) counts.falsePositive++;
    else counts.expiration++;
    return { ...match, sightings: counts };
  });
}

function markKind(status: ValueStatus | undefined, preferences: Preferences): MarkKind | undefined {
  if (!status) return undefined;
  if (status.status === 'known')
    return (['high', 'high', 'medium', 'low', 'undefined'] as const)[status.threatLevel ?? 4];
  if (status.status === 'new' && preferences.showNewMarks) return 'new';
  if (status.status === 'benign' && preferences.showBenignMarks) return 'benign';
  return undefined;
}

/**
 * One page's Sightline: scans, asks the background for statuses, draws marks and the hover card.
 * Every listener and observer is tied to `ctx`, so nothing is left behind when the extension reloads.
 */
class PageSession {
  private overlay: Overlay | undefined;
  private result: ScanResult = { indicators: new Map(), occurrences: [] };
  /** The values the overlay's mark indexes refer to, as of the last drawMarks. */
  private markedValues: string[] = [];
  private statuses: Record<string, ValueStatus> = {};
  private highlightsOn = true;
  private scanned = false;
  private pendingRoots = new Set<Node>();
  private mutationTimer: number | undefined;
  private layoutQueued = false;
  private cardHost: HTMLElement | undefined;
  private cardValue: string | undefined;
  private hoverTimer: number | undefined;
  private closeTimer: number | undefined;
  private pointerInCard = false;
  private cardState: HoverCardProps['state'] | undefined;
  private sighting: CardSightingState = freshSightingState();
  /** The client key of the sighting being asked for (kept across a "background restarted"). */
  private readonly sightingIntent = new SightingIntent();
  private undoTimer: number | undefined;

  constructor(
    private readonly ctx: ContentScriptContext,
    private preferences: Preferences,
  ) {}

  async scan(): Promise<void> {
    this.overlay ??= this.createOverlay();
    if (!this.scanned) {
      this.scanned = true;
      this.observeMutations();
    }
    this.result = await scanRoots([document.body ?? document.documentElement], {
      extract: extractInBackground,
      ownHost: this.overlay.host,
      signal: this.ctx.signal,
    });
    await this.report();
  }

  toggleHighlights(): void {
    this.highlightsOn = !this.highlightsOn;
    this.drawMarks();
  }

  private createOverlay(): Overlay {
    const overlay = createOverlay(document);
    this.ctx.onInvalidated(() => overlay.destroy());
    const relayout = () => this.queueLayout();
    this.ctx.addEventListener(window, 'scroll', relayout, { capture: true, passive: true });
    this.ctx.addEventListener(window, 'resize', relayout, { passive: true });
    const resizeObserver = new ResizeObserver(relayout);
    resizeObserver.observe(document.documentElement);
    this.ctx.onInvalidated(() => resizeObserver.disconnect());
    this.ctx.addEventListener(document, 'mousemove', (event) => this.onPointerMove(event), { passive: true });
    this.ctx.addEventListener(document, 'keydown', (event) => this.onKeyDown(event), { capture: true });
    return overlay;
  }

  private observeMutations(): void {
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        if (
          this.overlay &&
          (record.target === this.overlay.host || this.overlay.host.contains(record.target))
        )
          continue;
        if (record.type === 'characterData') this.pendingRoots.add(record.target.parentNode ?? record.target);
        for (const node of record.addedNodes) {
          if (node !== this.overlay?.host) this.pendingRoots.add(node);
        }
        if (record.removedNodes.length > 0) this.pendingRoots.add(record.target);
      }
      if (this.pendingRoots.size > 0 && this.mutationTimer === undefined) {
        this.mutationTimer = this.ctx.setTimeout(() => {
          this.mutationTimer = undefined;
          void this.rescanChanged();
        }, MUTATION_DEBOUNCE_MS);
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    this.ctx.onInvalidated(() => observer.disconnect());
  }

  /** Scans only what changed since the last scan. */
  private async rescanChanged(): Promise<void> {
    const roots = [...this.pendingRoots].filter((node) => node.isConnected);
    this.pendingRoots.clear();
    // Keep only the outermost changed roots; re-scanning a root replaces its old occurrences.
    const outermost = roots.filter((node) => !roots.some((other) => other !== node && other.contains(node)));
    this.result.occurrences = this.result.occurrences.filter(
      (occurrence) => !outermost.some((root) => root.contains(occurrence.startNode)),
    );
    pruneDetached(this.result);
    const before = new Set(this.result.indicators.keys());
    await scanRoots(outermost, {
      extract: extractInBackground,
      ownHost: this.overlay?.host,
      signal: this.ctx.signal,
      into: this.result,
    });
    const changed =
      this.result.indicators.size !== before.size ||
      [...this.result.indicators.keys()].some((value) => !before.has(value));
    if (changed) await this.report();
    else this.drawMarks();
  }

  private async report(): Promise<void> {
    const answer = await sendToBackground('page/indicators', {
      url: location.href,
      title: document.title,
      indicators: [...this.result.indicators.values()],
    });
    if (this.ctx.isInvalid) return;
    if (answer.ok) {
      const { statuses, newValues } = answer.data;
      const isNew: ValueStatus = { status: 'new' };
      for (const value of newValues) statuses[value] = isNew;
      this.statuses = statuses;
    }
    this.drawMarks();
  }

  private drawMarks(): void {
    if (!this.overlay) return;
    if (!this.highlightsOn) {
      this.overlay.setMarks([]);
      return;
    }
    const values = [...this.result.indicators.keys()];
    this.markedValues = values;
    const index = new Map(values.map((value, i) => [value, i]));
    const marks = [];
    for (const occurrence of this.result.occurrences) {
      const kind = markKind(this.statuses[occurrence.value], this.preferences);
      if (!kind) continue;
      const range = occurrenceRange(occurrence);
      if (range) marks.push({ range, kind, indicator: index.get(occurrence.value) ?? -1 });
    }
    this.overlay.setMarks(marks);
  }

  private queueLayout(): void {
    if (this.layoutQueued) return;
    this.layoutQueued = true;
    this.ctx.requestAnimationFrame(() => {
      this.layoutQueued = false;
      this.overlay?.relayout();
      this.positionCard();
    });
  }

  private valueAt(x: number, y: number): string | undefined {
    const indicator = this.overlay?.indicatorAt(x, y);
    if (indicator === undefined || indicator < 0) return undefined;
    // Called on every pointer move: an index lookup, no copying.
    return this.markedValues[indicator];
  }

  private onPointerMove(event: MouseEvent): void {
    if (!event.isTrusted || this.pointerInCard) return;
    const value = this.valueAt(event.clientX, event.clientY);
    if (this.hoverTimer !== undefined) {
      clearTimeout(this.hoverTimer);
      this.hoverTimer = undefined;
    }
    if (value && this.statuses[value]?.status === 'known') {
      if (this.closeTimer !== undefined) {
        clearTimeout(this.closeTimer);
        this.closeTimer = undefined;
      }
      if (value !== this.cardValue) {
        this.hoverTimer = this.ctx.setTimeout(
          () => void this.openCard(value, { x: event.clientX, y: event.clientY }),
          HOVER_DELAY_MS,
        );
      }
    } else if (this.cardValue && this.closeTimer === undefined) {
      this.closeTimer = this.ctx.setTimeout(() => {
        this.closeTimer = undefined;
        if (!this.pointerInCard) this.closeCard();
      }, CARD_CLOSE_DELAY_MS);
    }
  }

  /** Alt+Shift+M with the caret or selection on a highlighted indicator opens its card. */
  private onKeyDown(event: KeyboardEvent): void {
    if (!event.isTrusted) return;
    if (event.key === 'Escape' && this.cardValue) {
      this.closeCard();
      return;
    }
    if (event.altKey && event.shiftKey && event.code === 'KeyM') {
      const value = this.valueAtSelection();
      if (value) {
        event.preventDefault();
        void this.openCard(value, undefined, true);
      }
    }
  }

  private valueAtSelection(): string | undefined {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0) return undefined;
    const caret = selection.getRangeAt(0);
    const hit = this.result.occurrences.find((occurrence) => {
      if (this.statuses[occurrence.value]?.status !== 'known') return false;
      const range = occurrenceRange(occurrence);
      return (
        range !== undefined &&
        range.compareBoundaryPoints(Range.START_TO_END, caret) >= 0 &&
        range.compareBoundaryPoints(Range.END_TO_START, caret) <= 0
      );
    });
    return hit?.value;
  }

  private cardAnchor: { x: number; y: number } | undefined;

  async openCard(
    value: string,
    anchor?: { x: number; y: number },
    focus = false,
    fixedState?: HoverCardProps['state'],
  ): Promise<void> {
    if (!this.overlay) return;
    if (value !== this.cardValue) this.resetSighting();
    this.cardValue = value;
    this.cardAnchor = anchor;
    if (!this.cardHost) {
      const style = document.createElement('style');
      style.textContent = HOVER_CARD_CSS;
      this.cardHost = document.createElement('div');
      this.overlay.root.append(style, this.cardHost);
      this.ctx.addEventListener(this.cardHost, 'mouseenter', () => {
        this.pointerInCard = true;
        if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
        this.closeTimer = undefined;
      });
      this.ctx.addEventListener(this.cardHost, 'mouseleave', () => {
        this.pointerInCard = false;
        this.closeTimer = this.ctx.setTimeout(() => {
          this.closeTimer = undefined;
          this.closeCard();
        }, CARD_CLOSE_DELAY_MS);
      });
    }
    if (fixedState) {
      this.renderCard(fixedState);
      return;
    }
    this.renderCard({ kind: 'loading' });
    if (this.sighting.permission === undefined) {
      void sendToBackground('sightings/permission', {}).then((permission) => {
        if (this.cardValue !== value) return;
        // Unknown (background trouble): keep the buttons; the background checks again when used.
        this.sighting.permission = permission.ok ? permission.data : { allowed: true };
        this.rerenderCard();
      });
    }
    await this.loadMatches(value);
    if (focus) (this.cardHost?.querySelector('[role="dialog"]') as HTMLElement | null)?.focus();
  }

  /** Reads the card's matches from the background (the lookup cache). */
  private async loadMatches(value: string): Promise<void> {
    const answer = await sendToBackground('card/matches', { value });
    if (this.cardValue !== value) return;
    // The card's CSS reads the analyst's "Theme" choice from here (absent: follow the system).
    if (answer.ok && answer.data.theme !== 'system')
      this.cardHost?.setAttribute('data-theme', answer.data.theme);
    else this.cardHost?.removeAttribute('data-theme');
    this.renderCard(
      answer.ok
        ? {
            kind: 'ready',
            matches: answer.data.matches,
            instances: answer.data.instances,
            ...(answer.data.notes ? { notes: answer.data.notes } : {}),
          }
        : { kind: 'error', message: answer.error.message },
    );
  }

  private renderCard(state: HoverCardProps['state']): void {
    if (!this.cardHost || !this.cardValue) return;
    this.cardState = state;
    const sighting = this.sighting;
    const sightings: CardSightings = {
      permission: sighting.permission,
      busy: sighting.busy,
      ...(sighting.message ? { message: sighting.message } : {}),
      canUndo: sighting.undoKeys.length > 0,
      history: sighting.history,
      onRecord: (type, event, instanceId) => void this.recordSighting(type, event, instanceId),
      onUndo: (event) => void this.undoSighting(event),
      onHistory: (match, event) => void this.showHistory(match, event),
    };
    render(
      h(HoverCard, { value: this.cardValue, state, onClose: () => this.closeCard(), sightings }),
      this.cardHost,
    );
    this.positionCard();
  }

  private rerenderCard(): void {
    if (this.cardState) this.renderCard(this.cardState);
  }

  private resetSighting(): void {
    if (this.undoTimer !== undefined) clearTimeout(this.undoTimer);
    this.undoTimer = undefined;
    this.sighting = freshSightingState();
  }

  /**
   * "Record sighting", "Mark false positive", "Mark expired": only a real click or key press counts
   * (a page can dispatch synthetic events at anything it can reach). The counts change at once, then
   * are replaced by MISP's own once the background has recorded it and refreshed its cache.
   */
  private async recordSighting(type: SightingType, event: Event, instanceId?: string): Promise<void> {
    const value = this.cardValue;
    const state = this.cardState;
    if (!event.isTrusted || !value || state?.kind !== 'ready' || this.sighting.busy) return;
    const label = SIGHTING_TYPE_LABELS[type];
    this.resetUndo();
    this.sighting.busy = true;
    this.sighting.message = { kind: 'info', text: `Recording ${label}…` };
    this.renderCard({
      ...state,
      matches: withOptimisticCount(state.matches, type, Math.floor(Date.now() / 1000), instanceId),
    });
    const answer = await sendToBackground('sightings/record', {
      values: [value],
      type,
      ...(instanceId === undefined ? {} : { instanceId }),
      key: this.sightingIntent.keyFor(JSON.stringify([value, type, instanceId])),
    });
    this.sightingIntent.answered(answer);
    if (this.cardValue !== value) return;
    this.sighting.busy = false;
    if (!answer.ok) {
      this.sighting.message = { kind: 'error', text: answer.error.message };
      await this.loadMatches(value);
      return;
    }
    const records = answer.data.records;
    const failed = records.find((record) => record.state === 'failed');
    const queued = records.some((record) => record.state === 'queued' || record.state === 'sending');
    if (failed) {
      this.sighting.message = { kind: 'error', text: failed.lastError ?? `MISP recorded no ${label}.` };
      await this.loadMatches(value);
      return;
    }
    this.sighting.undoKeys = records.map((record) => record.key);
    this.undoTimer = this.ctx.setTimeout(() => {
      this.undoTimer = undefined;
      this.sighting.undoKeys = [];
      this.rerenderCard();
    }, CARD_UNDO_MS);
    if (queued) {
      this.sighting.message = {
        kind: 'info',
        text: `MISP is unreachable: the ${label} is queued and will be sent when it is back.`,
      };
      this.rerenderCard();
      return;
    }
    const count = records.reduce((sum, record) => sum + (record.result?.sightingIds.length ?? 0), 0);
    this.sighting.message = {
      kind: 'ok',
      text: `Recorded ${label} in MISP${count > 1 ? ` (${count} attributes)` : ''}.`,
    };
    await this.loadMatches(value);
  }

  private resetUndo(): void {
    if (this.undoTimer !== undefined) clearTimeout(this.undoTimer);
    this.undoTimer = undefined;
    this.sighting.undoKeys = [];
  }

  private async undoSighting(event: Event): Promise<void> {
    const value = this.cardValue;
    const keys = this.sighting.undoKeys;
    if (!event.isTrusted || !value || keys.length === 0 || this.sighting.busy) return;
    this.resetUndo();
    this.sighting.busy = true;
    this.sighting.message = { kind: 'info', text: 'Undoing…' };
    this.rerenderCard();
    const answers = await Promise.all(keys.map((key) => sendToBackground('sightings/undo', { key })));
    if (this.cardValue !== value) return;
    this.sighting.busy = false;
    const failure = answers.find((answer) => !answer.ok);
    this.sighting.message =
      failure && !failure.ok
        ? { kind: 'error', text: failure.error.message }
        : { kind: 'ok', text: answers.map((answer) => (answer.ok ? answer.data.message : '')).join(' ') };
    await this.loadMatches(value);
  }

  private async showHistory(match: Match, event: Event): Promise<void> {
    const value = this.cardValue;
    if (!event.isTrusted || !value) return;
    const key = historyKey(match);
    this.sighting.history = { ...this.sighting.history, [key]: { kind: 'loading' } };
    this.rerenderCard();
    const answer = await sendToBackground('sightings/history', {
      instanceId: match.instanceId,
      attributeId: match.attribute.id,
    });
    if (this.cardValue !== value) return;
    this.sighting.history = {
      ...this.sighting.history,
      [key]: answer.ok
        ? { kind: 'ready', rows: answer.data.rows }
        : { kind: 'error', message: answer.error.message },
    };
    this.rerenderCard();
  }

  private positionCard(): void {
    const card = this.cardHost?.firstElementChild as HTMLElement | null | undefined;
    if (!card || !this.cardValue) return;
    const mark = this.overlay
      ?.marks()
      .find((placed) => this.markedValues[placed.indicator] === this.cardValue);
    const rect = mark?.rects[0];
    const anchorX = rect?.left ?? this.cardAnchor?.x ?? 16;
    const anchorBottom = rect?.bottom ?? this.cardAnchor?.y ?? 16;
    const anchorTop = rect?.top ?? anchorBottom;
    const width = card.offsetWidth;
    const height = card.offsetHeight;
    const left = Math.max(8, Math.min(anchorX, window.innerWidth - width - 8));
    const below = anchorBottom + 4;
    const top = below + height + 8 <= window.innerHeight ? below : Math.max(8, anchorTop - height - 4);
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
  }

  /** "Look up in MISP" on a selection: the first indicator in it, in a card. */
  async lookUpText(text: string): Promise<void> {
    this.overlay ??= this.createOverlay();
    const found = await extractInBackground([text]);
    const index = found?.hits[1];
    const first =
      found && index !== undefined
        ? {
            type: found.kinds[index]!,
            value: found.values[index]!,
            original: found.originals[index] || found.values[index]!,
          }
        : undefined;
    if (!first) {
      this.cardValue = text.trim().slice(0, 80) || 'selection';
      await this.openCardWithState({ kind: 'error', message: 'No indicator in the selection.' });
      return;
    }
    await sendToBackground('lookup/values', {
      indicators: [{ type: first.type, value: first.value, original: first.original, count: 1 }],
    });
    await this.openCard(first.value, undefined, true);
  }

  private async openCardWithState(state: HoverCardProps['state']): Promise<void> {
    await this.openCard(this.cardValue ?? '', undefined, true, state);
  }

  closeCard(): void {
    this.resetSighting();
    this.cardState = undefined;
    this.cardValue = undefined;
    this.pointerInCard = false;
    if (this.cardHost) render(null, this.cardHost);
  }
}

/**
 * The content script's entry. Asks the background whether to scan this page, then scans
 * automatically or waits to be asked ("Only when I ask").
 */
export async function startContentScript(ctx: ContentScriptContext): Promise<void> {
  const [config, preferences] = await Promise.all([
    sendToBackground('page/config', { url: location.href }),
    sendToBackground('preferences/get', {}),
  ]);
  if (ctx.isInvalid || !config.ok || !preferences.ok) return;
  if (!config.data.scan && config.data.mode !== 'ask') return;
  const session = new PageSession(ctx, preferences.data);
  const onMessage = (message: unknown, sender: { id?: string }) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const command = ContentCommandSchema.safeParse(message);
    if (!command.success) return undefined;
    switch (command.data.command) {
      case 'scan':
      case 'refresh':
        return session.scan().then(() => ({ ok: true }));
      case 'toggle-highlights':
        session.toggleHighlights();
        return Promise.resolve({ ok: true });
      case 'show-card':
        return session.openCard(command.data.value, undefined, true).then(() => ({ ok: true }));
      case 'lookup-selection':
        return session.lookUpText(command.data.text).then(() => ({ ok: true }));
    }
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
  if (config.data.mode === 'auto' && config.data.scan) await session.scan();
}
