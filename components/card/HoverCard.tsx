import { countText } from '../../lib/format/count';
import { mispDateText } from '../../lib/format/time';
import { ANALYSIS_LEVELS, type Match, type TagView } from '../../lib/lookup/matches';
import { derivedMatchText } from '../../lib/lookup/status-text';
import { SIGHTING_TYPE_LABELS, type SightingHistoryRow } from '../../lib/sightings/model';
import { THREAT_LEVELS, threatLevelColour, threatLevelName } from '../../lib/threat-level';
import { When } from '../When';

export interface CardInstance {
  id: string;
  name: string;
  url: string;
}

export interface HoverCardProps {
  value: string;
  state:
    | { kind: 'loading' }
    | { kind: 'error'; message: string }
    | {
        kind: 'ready';
        matches: Match[];
        instances: CardInstance[];
        /** Notes on the value: a warninglist naming it, "dynamic DNS", "user content on github.com". */
        notes?: string[];
      };
  onClose(): void;
  /** The card's actions (lib/card/actions.ts) as buttons, its status line and the sighting history. */
  controls?: CardControls;
}

export type HistoryState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; rows: SightingHistoryRow[] };

/** One action's button. The handler gets the DOM event: only trusted ones count (never a page's). */
export interface CardButton {
  id: string;
  label: string;
  disabled: boolean;
  onActivate(event: MouseEvent): void;
}

export interface CardControls {
  /** For the whole card (every instance that knows the value). */
  buttons: CardButton[];
  /** Per instance section, when several instances are connected. */
  instanceButtons: Record<string, CardButton[]>;
  /** Why an action is not offered ("Recording sightings is not available: …"). */
  note?: string;
  message?: { kind: 'ok' | 'info' | 'error'; text: string };
  history: Record<string, HistoryState>;
  onHistory(match: Match, event: Event): void;
}

export const historyKey = (match: Pick<Match, 'instanceId' | 'attribute'>) =>
  `${match.instanceId}:${match.attribute.id}`;

/** MISP's seconds since 1970, written the one way (relative, full time on hover); null: "never". */
function WhenSeconds({ seconds }: { seconds: number | null }) {
  return seconds === null ? <>never</> : <When ms={seconds * 1000} />;
}

/** Black or white text, whichever reads better on a MISP tag colour. */
export function tagTextColour(background: string): string {
  const hex = background.replace('#', '');
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex.slice(0, 6);
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16) || 0) as [
    number,
    number,
    number,
  ];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}

function Tags({ tags, label }: { tags: TagView[]; label: string }) {
  if (tags.length === 0) return null;
  return (
    <ul class="tags" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag.name} class="tag" style={{ background: tag.colour, color: tagTextColour(tag.colour) }}>
          {tag.name}
        </li>
      ))}
    </ul>
  );
}

function eventUrl(instance: CardInstance | undefined, eventId: string): string {
  return instance ? `${instance.url}/events/view/${encodeURIComponent(eventId)}` : '#';
}

function HistoryView({ state }: { state: HistoryState }) {
  if (state.kind === 'loading') return <p class="history">Loading the sighting history…</p>;
  if (state.kind === 'error') return <p class="history error">{state.message}</p>;
  if (state.rows.length === 0) return <p class="history">No sightings you can see.</p>;
  return (
    <ul class="history" aria-label="Sighting history">
      {state.rows.map((row) => (
        <li key={row.id}>
          {SIGHTING_TYPE_LABELS[row.type]} · <WhenSeconds seconds={row.date} /> ·{' '}
          {row.orgName || 'unknown org'}
          {row.source ? ` · ${row.source}` : ''}
        </li>
      ))}
    </ul>
  );
}

function MatchView({
  match,
  instance,
  otherEvents,
  controls,
}: {
  match: Match;
  instance?: CardInstance;
  otherEvents: number;
  controls?: CardControls;
}) {
  const handlers = controls;
  const history = controls?.history[historyKey(match)];
  const { event, attribute, sightings: counts } = match;
  return (
    <article class={`match threat-${event.threatLevel}`} aria-label={`Event ${event.info}`}>
      <h3 class="event-info">{event.info || `Event ${event.id}`}</h3>
      <p class="meta">
        <span>{event.orgName || 'Unknown org'}</span> · <span>{mispDateText(event.date)}</span> ·{' '}
        <span>Threat level: {threatLevelName(event.threatLevel)}</span> ·{' '}
        <span>Analysis: {ANALYSIS_LEVELS[event.analysis]}</span> ·{' '}
        <span>{event.published ? 'Published' : 'Not published'}</span>
      </p>
      <Tags tags={event.tags} label="Event tags" />
      <dl class="attribute">
        <dt>Attribute</dt>
        <dd>
          {attribute.type} · {attribute.category} · {attribute.toIds ? 'IDS' : 'not IDS'}
          {match.viaCidr ? ` · in range ${match.viaCidr}` : ''}
          {match.matchedPart ? ` · matched ${match.matchedPart.value}` : ''}
        </dd>
        {attribute.comment && (
          <>
            <dt>Comment</dt>
            <dd>{attribute.comment}</dd>
          </>
        )}
        <dt>Sightings</dt>
        <dd class="sightings">
          {countText(counts.sighting, 'sighting')} · {countText(counts.falsePositive, 'false positive')} ·{' '}
          {countText(counts.expiration, 'expiration')} · last seen <WhenSeconds seconds={counts.lastSeen} />
        </dd>
      </dl>
      {history && <HistoryView state={history} />}
      <Tags tags={attribute.tags} label="Attribute tags" />
      <p class="footer">
        {otherEvents > 0 && (
          <span class="correlations">Also in {countText(otherEvents, 'other event')}. </span>
        )}
        <a href={eventUrl(instance, event.id)} target="_blank" rel="noreferrer noopener">
          Open event in MISP
        </a>
        {handlers && !match.viaCidr && history === undefined && (
          <>
            {' '}
            <button type="button" class="link" onClick={(e) => handlers.onHistory(match, e)}>
              Show sighting history
            </button>
          </>
        )}
      </p>
    </article>
  );
}

function Buttons({ buttons, class: className }: { buttons: CardButton[]; class: string }) {
  if (buttons.length === 0) return null;
  return (
    <div class={className}>
      {buttons.map((button) => (
        <button key={button.id} type="button" disabled={button.disabled} onClick={button.onActivate}>
          {button.label}
        </button>
      ))}
    </div>
  );
}

/** The card-wide actions, the note on what the key may not do, and the status line. */
function CardActions({ controls }: { controls: CardControls }) {
  const { message } = controls;
  return (
    <section class="sighting-actions" aria-label="Actions">
      {controls.note && <p class="hint">{controls.note}</p>}
      <Buttons buttons={controls.buttons} class="actions" />
      <p
        class={message?.kind === 'error' ? 'error' : 'hint'}
        role={message?.kind === 'error' ? 'alert' : 'status'}
      >
        {message?.text ?? ''}
      </p>
    </section>
  );
}

/** The hover card: a dialog listing what MISP knows about one value, grouped by instance. */
export function HoverCard({ value, state, onClose, controls }: HoverCardProps) {
  return (
    <div
      class="card"
      role="dialog"
      aria-label={`MISP matches for ${value}`}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <header>
        <span class="value">{value}</span>
        <button type="button" class="close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {state.kind === 'loading' && <p>Looking up…</p>}
      {state.kind === 'error' && <p class="error">{state.message}</p>}
      {state.kind === 'ready' && state.matches.length === 0 && <p>MISP does not know this value.</p>}
      {state.kind === 'ready' && <DerivedParts matches={state.matches} />}
      {state.kind === 'ready' && state.notes?.length ? (
        <p class="hint notes">{state.notes.join(' · ')}</p>
      ) : null}
      {state.kind === 'ready' &&
        groupByInstance(state.matches, state.instances).map(({ instance, matches }) => {
          const events = new Set(matches.map((match) => match.event.id)).size;
          const several = state.instances.length > 1;
          return (
            <section key={instance?.id ?? 'unknown'} aria-label={instance?.name ?? 'MISP'}>
              {several && <h2 class="instance">{instance?.name ?? 'MISP'}</h2>}
              {matches.map((match) => (
                <MatchView
                  key={`${match.instanceId}:${match.attribute.id}`}
                  match={match}
                  instance={instance}
                  otherEvents={events - 1}
                  controls={controls}
                />
              ))}
              {several && instance && controls && (
                <Buttons
                  buttons={controls.instanceButtons[instance.id] ?? []}
                  class="actions instance-actions"
                />
              )}
            </section>
          );
        })}
      {state.kind === 'ready' && controls && <CardActions controls={controls} />}
    </div>
  );
}

/** "Host cdn-update.site is in MISP": the parts of a URL or e-mail address MISP holds, when not the value itself. */
function DerivedParts({ matches }: { matches: Match[] }) {
  const parts = new Map<string, string>();
  for (const { matchedPart } of matches) {
    if (matchedPart)
      parts.set(
        `${matchedPart.part}:${matchedPart.value}`,
        derivedMatchText(matchedPart.part, matchedPart.value),
      );
  }
  if (parts.size === 0) return null;
  return (
    <ul class="parts" aria-label="Matched parts">
      {[...parts.values()].map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  );
}

export function groupByInstance(matches: Match[], instances: CardInstance[]) {
  const groups = new Map<string, Match[]>();
  for (const match of matches) groups.set(match.instanceId, [...(groups.get(match.instanceId) ?? []), match]);
  return [...groups].map(([id, list]) => ({ instance: instances.find((i) => i.id === id), matches: list }));
}

export const HOVER_CARD_CSS = `
/* One size for every card, whatever it says: a page hit-testing around the pointer learns nothing from it. */
.card { position: fixed; pointer-events: auto; box-sizing: border-box; width: min(30rem, calc(100vw - 16px)); height: min(22rem, calc(100vh - 16px)); overflow: auto;
  background: #ffffff; color: #1b1f24; border: 1px solid #c8ced6; border-radius: 8px; box-shadow: 0 8px 28px rgba(0,0,0,.28);
  font: 13px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; padding: 10px 12px; text-align: left; z-index: 2147483647;
  color-scheme: light; }
.card:focus { outline: 2px solid #1f6feb; outline-offset: 1px; }
.card :focus-visible { outline: 2px solid #1f6feb; outline-offset: 2px; }
header { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
.value { font-family: ui-monospace, monospace; font-weight: 600; word-break: break-all; }
.close { border: none; background: transparent; color: inherit; font-size: 18px; cursor: pointer; padding: 0 4px; }
h2.instance { font-size: 13px; font-weight: 700; letter-spacing: .02em; color: #59636e; margin: 8px 0 4px; border-bottom: 1px solid #d8dde3; }
.match { border-left: 4px solid ${threatLevelColour(4)}; padding: 4px 0 6px 8px; margin: 6px 0; }
${THREAT_LEVELS.map((level) => `.match.threat-${level.id} { border-color: ${threatLevelColour(level.id)}; }`).join(' ')}
h3.event-info { font-size: 14px; margin: 0 0 2px; }
.meta { margin: 0 0 4px; color: #59636e; }
.tags { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; padding: 0; }
.tag { border-radius: 3px; padding: 0 5px; font-size: 11px; border: 1px solid rgba(0,0,0,.2); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 8px; margin: 4px 0; }
dt { color: #59636e; } dd { margin: 0; word-break: break-word; }
.footer { margin: 4px 0 0; }
.parts { list-style: none; margin: 0 0 6px; padding: 0; font-weight: 600; }
.sighting-actions { border-top: 1px solid #d8dde3; margin-top: 8px; padding-top: 6px; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; }
.instance-actions { margin: 2px 0 8px; }
.actions button, button.link { font: inherit; font-size: 12px; cursor: pointer; border-radius: 5px; }
.actions button { border: 1px solid #b8c0ca; background: #f3f5f7; color: inherit; padding: 2px 8px; }
.actions button:disabled { opacity: .55; cursor: default; }
button.link { border: none; background: none; color: #0b5cad; padding: 0; text-decoration: underline; }
.history { margin: 2px 0 4px; padding-left: 16px; font-size: 12px; }
p.history { padding-left: 0; color: #59636e; }
.hint { color: #59636e; margin: 4px 0 0; }
.hint:empty, .error:empty { display: none; }
a { color: #0b5cad; }
.error { color: #c62828; }
${darkCardCss(':not([data-theme=light]) >', true)}
${darkCardCss('[data-theme=dark] >', false)}
`;

/**
 * The card's dark palette, written once and used twice: under the system's dark preference unless the
 * analyst chose "Light", and always when they chose "Dark" (`data-theme` on the card's container).
 */
function darkCardCss(container: string, onlyWhenSystemDark: boolean): string {
  const card = `${container} .card`;
  const rules = `
  ${card} { background: #1c2026; color: #e6e8eb; border-color: #6b7684; box-shadow: 0 8px 28px rgba(0,0,0,.6); color-scheme: dark; }
  ${card}:focus, ${card} :focus-visible { outline-color: #79b8ff; }
  ${[' .meta', ' dt', ' h2.instance', ' .hint', ' p.history'].map((inner) => card + inner).join(', ')} { color: #9aa4ae; }
  ${card} a, ${card} button.link { color: #79b8ff; } ${card} .error { color: #ff7b72; }
  ${card} .actions button { background: #262c33; border-color: #46505b; } ${card} .sighting-actions { border-color: #3a414a; }`;
  return onlyWhenSystemDark
    ? `@media (prefers-color-scheme: dark) {${rules}
}`
    : rules;
}
