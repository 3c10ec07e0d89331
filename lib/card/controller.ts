import { h, render } from 'preact';
import {
  type CardButton,
  type CardControls,
  type HistoryState,
  HOVER_CARD_CSS,
  HoverCard,
  type HoverCardProps,
  historyKey,
} from '../../components/card/HoverCard';
import type { Card, CardHost, CardOpenRequest } from '../content/card-port';
import { ask } from '../content/messaging';
import type { Match } from '../lookup/matches';
import { CARD_UNDO_MS } from '../sightings/model';
import { allowedFor, CARD_ACTIONS, type CardAction, type CardActionDeps } from './actions';
import { CardGuard } from './guard';

type CardState = HoverCardProps['state'];

/** Everything the card shows about the value it is open for; replaced whenever another value opens. */
interface Session {
  value: string;
  kind?: string;
  state: CardState;
  /** instance id → whether the key may record sightings there (undefined while asked). */
  sightingAllowed?: Record<string, boolean>;
  sightingRefusal?: string;
  busy: boolean;
  /** The card has been visible and unobscured long enough for its write buttons (lib/card/guard.ts). */
  armed: boolean;
  message?: CardControls['message'];
  undo?: { action: CardAction; keys: string[]; timer: ReturnType<typeof setTimeout> };
  history: Record<string, HistoryState>;
}

const defaultDeps: CardActionDeps = {
  ask,
  copy: (text) => navigator.clipboard.writeText(text),
};

/**
 * The hover card of one frame: opens at an indicator, positions itself beside it, runs the card's
 * actions (lib/card/actions.ts) and closes. One card host for every value whatever its status, one
 * size, no focus unless the keyboard opened it: a page cannot tell what the card says.
 */
export class CardController implements Card {
  private readonly container: HTMLElement;
  private readonly guard: CardGuard;
  private session: Session | undefined;
  private anchor: CardOpenRequest['anchor'];
  private shownElement: Element | undefined;

  constructor(
    private readonly host: CardHost,
    private readonly deps: CardActionDeps = defaultDeps,
  ) {
    const doc = host.root.ownerDocument ?? document;
    const style = doc.createElement('style');
    style.textContent = HOVER_CARD_CSS;
    this.container = doc.createElement('div');
    host.root.append(style, this.container);
    this.guard = new CardGuard(host.host, (armed) => {
      if (!this.session || this.session.armed === armed) return;
      this.session.armed = armed;
      this.render();
    });
    const signal = host.signal;
    this.container.addEventListener('mouseenter', () => host.pointerInCard(true), { signal });
    this.container.addEventListener('mouseleave', () => host.pointerInCard(false), { signal });
    signal.addEventListener('abort', () => this.close());
  }

  get value(): string | undefined {
    return this.session?.value;
  }

  async open(request: CardOpenRequest): Promise<void> {
    if (request.value !== this.session?.value) this.reset();
    this.anchor = request.anchor;
    const session: Session = this.session ?? {
      value: request.value,
      ...(request.kind ? { kind: request.kind } : {}),
      state: { kind: 'loading' },
      busy: false,
      armed: false,
      history: {},
    };
    this.session = session;
    if (request.message) {
      session.state = { kind: 'error', message: request.message };
      this.render();
    } else {
      this.render();
      void this.loadPermissions(session);
      await this.loadMatches(session);
    }
    if (request.focus && this.session === session)
      (this.container.querySelector('[role="dialog"]') as HTMLElement | null)?.focus();
  }

  close(): void {
    this.reset();
    this.guard.stop();
    this.shownElement = undefined;
    render(null, this.container);
    this.host.closed();
  }

  position(): void {
    const card = this.container.firstElementChild as HTMLElement | null;
    if (!card || !this.session) return;
    const view = this.container.ownerDocument.defaultView ?? window;
    const rect = this.host.anchorRect();
    const anchorX = rect?.left ?? this.anchor?.x ?? 16;
    const anchorBottom = rect?.bottom ?? this.anchor?.y ?? 16;
    const anchorTop = rect?.top ?? anchorBottom;
    const width = card.offsetWidth;
    const height = card.offsetHeight;
    const left = Math.max(8, Math.min(anchorX, view.innerWidth - width - 8));
    const below = anchorBottom + 4;
    const top = below + height + 8 <= view.innerHeight ? below : Math.max(8, anchorTop - height - 4);
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
  }

  private reset(): void {
    if (this.session?.undo) clearTimeout(this.session.undo.timer);
    this.session = undefined;
  }

  private current(session: Session): boolean {
    return this.session === session;
  }

  /** What the key's role allows, per instance (the background knows it from `users/view/me`). */
  private async loadPermissions(session: Session): Promise<void> {
    const answer = await this.deps.ask('sightings/permission', {});
    if (!this.current(session)) return;
    // Unknown (background trouble): keep the buttons; the background checks again when used.
    if (!answer.ok) return;
    const allowed: Record<string, boolean> = {};
    for (const instance of answer.data.instances ?? []) allowed[instance.instanceId] = instance.allowed;
    if (!answer.data.instances) allowed[''] = answer.data.allowed;
    session.sightingAllowed = allowed;
    if (!answer.data.allowed) session.sightingRefusal = answer.data.reason ?? 'no permission.';
    this.render();
  }

  /** Reads the card's matches from the background (the lookup cache). */
  private async loadMatches(session: Session): Promise<void> {
    const answer = await this.deps.ask('card/matches', { value: session.value });
    if (!this.current(session)) return;
    // The card's CSS reads the analyst's "Theme" choice from here (absent: follow the system).
    if (answer.ok && answer.data.theme !== 'system')
      this.container.setAttribute('data-theme', answer.data.theme);
    else this.container.removeAttribute('data-theme');
    session.state = answer.ok
      ? {
          kind: 'ready',
          matches: answer.data.matches,
          instances: answer.data.instances,
          ...(answer.data.notes ? { notes: answer.data.notes } : {}),
        }
      : { kind: 'error', message: answer.error.message };
    this.render();
  }

  private render(): void {
    const session = this.session;
    if (!session) return;
    render(
      h(HoverCard, {
        value: session.value,
        state: session.state,
        onClose: () => this.close(),
        controls: this.controls(session),
      }),
      this.container,
    );
    const card = this.container.firstElementChild ?? undefined;
    if (card && card !== this.shownElement) {
      this.shownElement = card;
      this.guard.watch(card);
    }
    this.position();
  }

  /** The table's actions as buttons, where the value and the key's role allow them. */
  private controls(session: Session): CardControls {
    const state = session.state;
    const matches = state.kind === 'ready' ? state.matches : [];
    const instances = state.kind === 'ready' ? state.instances : [];
    const several = instances.length > 1;
    const buttons: CardButton[] = [];
    const instanceButtons: Record<string, CardButton[]> = {};
    const permissions = session.sightingAllowed;
    const button = (action: CardAction, label: string, instanceId?: string): CardButton => ({
      id: `${action.id}:${instanceId ?? ''}`,
      label,
      disabled: session.busy || (action.guarded && !session.armed),
      onActivate: (event) => void this.run(session, action, event, instanceId),
    });
    for (const action of CARD_ACTIONS) {
      if (action.needsMatches && matches.length === 0) continue;
      if (action.perInstance && several) {
        for (const instance of instances) {
          if (!matches.some((match) => match.instanceId === instance.id)) continue;
          if (!allowedFor(action, permissions, instance.id)) continue;
          const list = instanceButtons[instance.id] ?? [];
          list.push(button(action, `${action.label} in ${instance.name}`, instance.id));
          instanceButtons[instance.id] = list;
        }
      } else if (allowedFor(action, permissions, undefined)) buttons.push(button(action, action.label));
    }
    if (session.undo) {
      buttons.push({
        id: 'undo',
        label: 'Undo',
        disabled: session.busy,
        onActivate: (event) => void this.undo(session, event),
      });
    }
    // The key may record sightings nowhere: say why instead of showing buttons that would fail.
    const refused =
      matches.length > 0 && session.sightingRefusal
        ? `Recording sightings is not available: ${session.sightingRefusal}`
        : undefined;
    return {
      buttons,
      instanceButtons,
      ...(refused ? { note: refused } : {}),
      ...(session.message ? { message: session.message } : {}),
      history: session.history,
      onHistory: (match, event) => void this.showHistory(session, match, event),
    };
  }

  /**
   * One action from the table: only a real click or key press counts, a guarded one only when the
   * card was visible and unobscured long enough; the optimistic update shows at once, MISP's own
   * counts replace it once the background has them.
   */
  private async run(session: Session, action: CardAction, event: MouseEvent, instanceId?: string) {
    const state = session.state;
    if (!event.isTrusted || state.kind !== 'ready' || session.busy) return;
    if (action.guarded && !this.armed(event)) {
      session.message = {
        kind: 'info',
        text: 'The card was covered or had only just appeared: nothing was recorded. Check the card and click again.',
      };
      this.render();
      return;
    }
    this.clearUndo(session);
    session.busy = true;
    session.message = { kind: 'info', text: action.pending };
    if (action.optimistic)
      session.state = {
        ...state,
        matches: action.optimistic(state.matches, instanceId, Math.floor(Date.now() / 1000)),
      };
    this.render();
    const outcome = await action.run(
      {
        value: session.value,
        ...(session.kind ? { kind: session.kind } : {}),
        matches: state.matches,
        ...(instanceId === undefined ? {} : { instanceId }),
      },
      this.deps,
    );
    if (!this.current(session)) return;
    session.busy = false;
    session.message = outcome.message;
    if (outcome.undoKeys?.length && action.undo) {
      const timer = setTimeout(() => {
        session.undo = undefined;
        if (this.current(session)) this.render();
      }, CARD_UNDO_MS);
      session.undo = { action, keys: outcome.undoKeys, timer };
    }
    if (outcome.reload) {
      await this.loadMatches(session);
      await this.reloadOpenHistories(session);
    } else this.render();
  }

  private armed(event: MouseEvent): boolean {
    const card = this.container.firstElementChild;
    const target = event.target instanceof Element ? event.target : undefined;
    if (!card || !target) return false;
    // A key press (Enter, Space) has no pointer position: the button's own box is checked.
    const point = event.detail > 0 ? { x: event.clientX, y: event.clientY } : undefined;
    return this.guard.armed(card, target, point);
  }

  private clearUndo(session: Session): void {
    if (session.undo) clearTimeout(session.undo.timer);
    session.undo = undefined;
  }

  private async undo(session: Session, event: MouseEvent): Promise<void> {
    const undo = session.undo;
    if (!event.isTrusted || !undo?.action.undo || session.busy) return;
    this.clearUndo(session);
    session.busy = true;
    session.message = { kind: 'info', text: 'Undoing…' };
    this.render();
    const outcome = await undo.action.undo(undo.keys, this.deps);
    if (!this.current(session)) return;
    session.busy = false;
    session.message = outcome.message;
    if (outcome.reload) {
      await this.loadMatches(session);
      await this.reloadOpenHistories(session);
    } else this.render();
  }

  private async showHistory(session: Session, match: Match, event: Event): Promise<void> {
    if (!event.isTrusted) return;
    session.history = { ...session.history, [historyKey(match)]: { kind: 'loading' } };
    this.render();
    await this.loadHistory(session, match);
  }

  /** An open history follows what was just recorded or undone (it is MISP's list, asked again). */
  private async reloadOpenHistories(session: Session): Promise<void> {
    const state = session.state;
    if (state.kind !== 'ready' || !this.current(session)) return;
    const open = state.matches.filter((match) => session.history[historyKey(match)] !== undefined);
    await Promise.all(open.map((match) => this.loadHistory(session, match)));
  }

  private async loadHistory(session: Session, match: Match): Promise<void> {
    const key = historyKey(match);
    const answer = await this.deps.ask('sightings/history', {
      instanceId: match.instanceId,
      attributeId: match.attribute.id,
    });
    if (!this.current(session)) return;
    session.history = {
      ...session.history,
      [key]: answer.ok
        ? { kind: 'ready', rows: answer.data.rows }
        : { kind: 'error', message: answer.error.message },
    };
    this.render();
  }
}
