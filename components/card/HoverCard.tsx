import { ANALYSIS_LEVELS, type Match, type TagView, THREAT_LEVELS } from '../../lib/lookup/matches';

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
    | { kind: 'ready'; matches: Match[]; instances: CardInstance[] };
  onClose(): void;
}

function formatDate(unixSeconds: number | null): string {
  if (unixSeconds === null) return 'never';
  return `${new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
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

function MatchView({
  match,
  instance,
  otherEvents,
}: {
  match: Match;
  instance?: CardInstance;
  otherEvents: number;
}) {
  const { event, attribute, sightings } = match;
  return (
    <article class={`match threat-${event.threatLevel}`} aria-label={`Event ${event.info}`}>
      <h3 class="event-info">{event.info || `Event ${event.id}`}</h3>
      <p class="meta">
        <span>{event.orgName || 'Unknown org'}</span> · <span>{event.date}</span> ·{' '}
        <span>Threat level: {THREAT_LEVELS[event.threatLevel]}</span> ·{' '}
        <span>Analysis: {ANALYSIS_LEVELS[event.analysis]}</span> ·{' '}
        <span>{event.published ? 'Published' : 'Not published'}</span>
      </p>
      <Tags tags={event.tags} label="Event tags" />
      <dl class="attribute">
        <dt>Attribute</dt>
        <dd>
          {attribute.type} · {attribute.category} · {attribute.toIds ? 'IDS' : 'not IDS'}
          {match.viaCidr ? ` · in range ${match.viaCidr}` : ''}
        </dd>
        {attribute.comment && (
          <>
            <dt>Comment</dt>
            <dd>{attribute.comment}</dd>
          </>
        )}
        <dt>Sightings</dt>
        <dd class="sightings">
          {sightings.sighting} sighting{sightings.sighting === 1 ? '' : 's'} · {sightings.falsePositive} false
          positive
          {sightings.falsePositive === 1 ? '' : 's'} · {sightings.expiration} expiration
          {sightings.expiration === 1 ? '' : 's'} · last seen {formatDate(sightings.lastSeen)}
        </dd>
      </dl>
      <Tags tags={attribute.tags} label="Attribute tags" />
      <p class="footer">
        {otherEvents > 0 && (
          <span class="correlations">
            Also in {otherEvents} other event{otherEvents === 1 ? '' : 's'}.{' '}
          </span>
        )}
        <a href={eventUrl(instance, event.id)} target="_blank" rel="noreferrer noopener">
          Open event in MISP
        </a>
      </p>
    </article>
  );
}

/** The hover card: a dialog listing what MISP knows about one value, grouped by instance. */
export function HoverCard({ value, state, onClose }: HoverCardProps) {
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
      {state.kind === 'ready' &&
        groupByInstance(state.matches, state.instances).map(({ instance, matches }) => {
          const events = new Set(matches.map((match) => match.event.id)).size;
          return (
            <section key={instance?.id ?? 'unknown'} aria-label={instance?.name ?? 'MISP'}>
              {state.instances.length > 1 && <h2 class="instance">{instance?.name ?? 'MISP'}</h2>}
              {matches.map((match) => (
                <MatchView
                  key={`${match.instanceId}:${match.attribute.id}`}
                  match={match}
                  instance={instance}
                  otherEvents={events - 1}
                />
              ))}
            </section>
          );
        })}
    </div>
  );
}

function groupByInstance(matches: Match[], instances: CardInstance[]) {
  const groups = new Map<string, Match[]>();
  for (const match of matches) groups.set(match.instanceId, [...(groups.get(match.instanceId) ?? []), match]);
  return [...groups].map(([id, list]) => ({ instance: instances.find((i) => i.id === id), matches: list }));
}

export const HOVER_CARD_CSS = `
.card { position: fixed; pointer-events: auto; box-sizing: border-box; width: min(30rem, calc(100vw - 16px)); max-height: min(32rem, calc(100vh - 16px)); overflow: auto;
  background: #ffffff; color: #1b1f24; border: 1px solid #c8ced6; border-radius: 8px; box-shadow: 0 8px 28px rgba(0,0,0,.28);
  font: 13px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; padding: 10px 12px; text-align: left; z-index: 2147483647; }
.card:focus { outline: 2px solid #1f6feb; outline-offset: 1px; }
.card :focus-visible { outline: 2px solid #1f6feb; outline-offset: 2px; }
header { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
.value { font-family: ui-monospace, monospace; font-weight: 600; word-break: break-all; }
.close { border: none; background: transparent; color: inherit; font-size: 18px; cursor: pointer; padding: 0 4px; }
h2.instance { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #59636e; margin: 8px 0 4px; }
.match { border-left: 4px solid #1e88e5; padding: 4px 0 6px 8px; margin: 6px 0; }
.match.threat-1 { border-color: #e53935; } .match.threat-2 { border-color: #fb8c00; } .match.threat-3 { border-color: #f9a825; }
h3.event-info { font-size: 14px; margin: 0 0 2px; }
.meta { margin: 0 0 4px; color: #59636e; }
.tags { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; padding: 0; }
.tag { border-radius: 3px; padding: 0 5px; font-size: 11px; border: 1px solid rgba(0,0,0,.2); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 8px; margin: 4px 0; }
dt { color: #59636e; } dd { margin: 0; word-break: break-word; }
.footer { margin: 4px 0 0; }
a { color: #0b5cad; }
.error { color: #c62828; }
@media (prefers-color-scheme: dark) {
  .card { background: #1c2026; color: #e6e8eb; border-color: #3a414a; box-shadow: 0 8px 28px rgba(0,0,0,.6); }
  .meta, dt, h2.instance { color: #9aa4ae; } a { color: #79b8ff; } .error { color: #ff7b72; }
}
`;
