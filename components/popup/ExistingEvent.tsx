import { useEffect, useState } from 'preact/hooks';
import type { AttributeInput, AttributesSubmission, SubmissionView } from '../../lib/events/model';
import { sendToBackground } from '../../lib/runtime';

type Recent = { id: string; info: string; date: string; org: string };

/** "Add to existing event": pick a recent event (or search by info) and add the selected attributes. */
export function ExistingEvent({
  tabId,
  instanceId,
  attributes,
  prepare,
  extras = [],
  onDone,
}: {
  tabId: number;
  /** The instance chosen in the form ("MISP instance"): its events are listed and added to. */
  instanceId?: string | undefined;
  attributes: AttributeInput[];
  /** What is filed: the selection as attributes and objects, the report, the clusters (as for a new event). */
  prepare?: () => Pick<AttributesSubmission, 'attributes' | 'objects' | 'report' | 'clusters'>;
  /** The extras that come along ("the page as event report", "1 galaxy cluster(s)"), said before adding. */
  extras?: readonly string[];
  onDone: () => Promise<void>;
}) {
  const [search, setSearch] = useState('');
  const [events, setEvents] = useState<Recent[] | null>(null);
  const [eventId, setEventId] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SubmissionView | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => {
      const target = instanceId ? { instanceId } : {};
      void sendToBackground('events/recent', { info: search.trim(), ...target }).then((answer) => {
        if (!answer.ok) {
          setError(answer.error.message);
          return;
        }
        setError('');
        setEvents(answer.data);
        setEventId((current) =>
          answer.data.some((event) => event.id === current) ? current : (answer.data[0]?.id ?? ''),
        );
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [search, instanceId]);

  const add = async (event: MouseEvent) => {
    if (!event.isTrusted || busy) return;
    const target = events?.find((entry) => entry.id === eventId);
    if (!target) return setError('Pick an event first.');
    if (attributes.length === 0) return setError('Select at least one indicator.');
    setBusy(true);
    setError('');
    setResult(null);
    try {
      const answer = await sendToBackground('events/add-attributes', {
        key: crypto.randomUUID(),
        tabId,
        ...(instanceId ? { instanceId } : {}),
        eventId: target.id,
        eventInfo: target.info,
        ...(prepare ? prepare() : { attributes }),
      });
      if (!answer.ok) setError(answer.error.message);
      else {
        setResult(answer.data);
        await onDone();
      }
    } finally {
      setBusy(false);
    }
  };

  const added = result?.attributes;
  return (
    <details class="sl-existing">
      <summary>Add to an existing event</summary>
      <label for="existing-search">Search events</label>
      <input
        id="existing-search"
        type="search"
        placeholder="Event info contains…"
        value={search}
        onInput={(event) => setSearch(event.currentTarget.value)}
      />
      <label for="existing-event">Existing event</label>
      <select id="existing-event" value={eventId} onChange={(event) => setEventId(event.currentTarget.value)}>
        {(events ?? []).map((entry) => (
          <option key={entry.id} value={entry.id}>
            {`#${entry.id} ${entry.info} (${entry.date}${entry.org ? `, ${entry.org}` : ''})`}
          </option>
        ))}
      </select>
      {events && events.length === 0 && <p class="hint">No matching events.</p>}
      {extras.length > 0 && <p class="hint">{`Also added: ${extras.join(', ')}.`}</p>}
      <div class="row">
        <button type="button" disabled={busy} onClick={(event) => void add(event)}>
          Add to existing event
        </button>
      </div>
      {error && (
        <p role="alert" class="status-error">
          {error}
        </p>
      )}
      {result && (
        <div role="status">
          {result.state !== 'sent' && (
            <p class="status-warn">{`Queued: ${result.lastError ?? 'MISP did not answer'}. Sightline retries it.`}</p>
          )}
          {added && (
            <ul aria-label="Added attributes" class="sl-results">
              {added.added.map((value) => (
                <li key={value} class="status-ok">{`${value}: added`}</li>
              ))}
              {added.duplicates.map((value) => (
                <li key={value} class="status-warn">{`${value}: already in this event`}</li>
              ))}
              {added.invalid.map((item) => (
                <li key={item.value} class="status-error">{`${item.value}: ${item.reason}`}</li>
              ))}
            </ul>
          )}
          {added?.report?.attached && <p>Event report attached.</p>}
          {added?.report && !added.report.attached && (
            <p class="status-warn">{`The event report was not attached: ${added.report.problem ?? 'MISP refused it'}`}</p>
          )}
          {added?.objects ? <p>{`${added.objects} object(s) added.`}</p> : null}
          {added?.clusters && added.clusters.length > 0 && (
            <p>{`Galaxy clusters: ${added.clusters.join(', ')}`}</p>
          )}
          {added && (
            <a href={added.url} target="_blank" rel="noreferrer">
              Open event in MISP
            </a>
          )}
        </div>
      )}
    </details>
  );
}
