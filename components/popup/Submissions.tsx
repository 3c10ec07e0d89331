import type { SubmissionView } from '../../lib/events/model';

function stateText(view: SubmissionView): string {
  if (view.state === 'failed') return `failed: ${view.lastError ?? 'MISP refused it'}`;
  if (view.state === 'queued' && view.lastError) return `queued (${view.lastError})`;
  return view.state;
}

/** "Submissions": what sits in the outbox for events, with its state. */
export function Submissions({
  items,
  onRetry,
  onDiscard,
}: {
  items: SubmissionView[];
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
}) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="submissions-heading">
      <h2 id="submissions-heading">Submissions</h2>
      <ul class="sl-submissions" aria-label="Submissions">
        {items.map((item) => (
          <li key={item.id} aria-label={item.title} class="sl-submission">
            <div class="sl-submission-title">{item.title}</div>
            <div
              class={
                item.state === 'failed' ? 'status-error' : item.state === 'sent' ? 'status-ok' : 'status-warn'
              }
            >
              {stateText(item)}
            </div>
            {item.event && item.event.dropped.length > 0 && (
              <ul aria-label="Dropped attributes" class="status-warn">
                {item.event.dropped.map((drop) => (
                  <li
                    key={`${drop.type}:${drop.value}`}
                  >{`Dropped by MISP: ${drop.value} (${drop.type}): ${drop.reason}`}</li>
                ))}
              </ul>
            )}
            {item.attributes && item.attributes.duplicates.length > 0 && (
              <p class="hint">{`Already in this event: ${item.attributes.duplicates.join(', ')}`}</p>
            )}
            <div class="row">
              {item.state === 'sent' && item.event && (
                <a href={item.event.url} target="_blank" rel="noreferrer">
                  Event {item.event.eventId}
                </a>
              )}
              {item.state === 'sent' && item.attributes && (
                <a href={item.attributes.url} target="_blank" rel="noreferrer">
                  Event {item.attributes.eventId}
                </a>
              )}
              {(item.state === 'queued' || item.state === 'failed') && (
                <button type="button" onClick={() => onRetry(item.id)}>
                  Retry now
                </button>
              )}
              {item.state !== 'sending' && (
                <button type="button" onClick={() => onDiscard(item.id)}>
                  {item.state === 'sent' ? 'Remove from list' : 'Discard'}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
