import type { SubmissionView } from '../../../lib/events/model';
import { countText } from '../../../lib/format/count';

export type Outcome =
  | { kind: 'error'; message: string; problems?: string[] }
  | { kind: 'done'; view: SubmissionView };

/** What became of "Create event": the problems, the queue, or the filed event with its extras. */
export function OutcomeView({ outcome }: { outcome: Outcome | null }) {
  if (!outcome) return <div role="status" />;
  if (outcome.kind === 'error') {
    return (
      <div role="alert" class="status-error">
        <p>{outcome.message}</p>
        {outcome.problems && outcome.problems.length > 0 && (
          <ul>
            {outcome.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  const { view } = outcome;
  if (view.state !== 'sent') {
    return (
      <div role="status" class="status-warn">
        <p>
          {`Queued: ${view.lastError ?? 'MISP did not answer'}. Sightline keeps the submission and retries it; see "Submissions".`}
        </p>
      </div>
    );
  }
  const filed = view.event;
  return (
    <div role="status" class="status-ok">
      <p>
        {filed?.alreadyExisted
          ? 'The event was already in MISP (an earlier attempt filed it).'
          : 'Event created.'}{' '}
        {filed && (
          <a href={filed.url} target="_blank" rel="noreferrer">
            Open event in MISP
          </a>
        )}
      </p>
      {filed?.report?.attached && <p>Event report attached.</p>}
      {filed?.report && !filed.report.attached && (
        <p class="status-warn">{`The event report was not attached: ${filed.report.problem ?? 'MISP refused it'}`}</p>
      )}
      {filed?.objects ? <p>{`${countText(filed.objects, 'object')} filed.`}</p> : null}
      {filed?.clusters && filed.clusters.length > 0 && (
        <p>{`Galaxy clusters: ${filed.clusters.join(', ')}`}</p>
      )}
      {filed && filed.dropped.length > 0 && (
        <div class="status-warn">
          <p>{`MISP dropped ${countText(filed.dropped.length, 'attribute')}:`}</p>
          <ul aria-label="Dropped attributes">
            {filed.dropped.map((item) => (
              <li key={`${item.type}:${item.value}`}>{`${item.value} (${item.type}): ${item.reason}`}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
