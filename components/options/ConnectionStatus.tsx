import type { ConnectionInfo, ErrorInfo } from '../../lib/messages';

type Props = {
  test:
    | { state: 'idle' }
    | { state: 'testing' }
    | { state: 'ok'; info: ConnectionInfo }
    | { state: 'error'; error: ErrorInfo };
};

const PERMISSION_LABELS: Array<[keyof ConnectionInfo['permissions'], string]> = [
  ['add', 'create events'],
  ['sighting', 'record sightings'],
  ['tagEditor', 'create tags'],
  ['publish', 'publish'],
];

/** What the key's role means for the analyst: what Sightline offers and what it hides. */
export function roleSummary(info: ConnectionInfo): string {
  const { add, sighting } = info.permissions;
  if (add && sighting) return `Role ${info.roleName}: Sightline offers lookups, sightings and new events.`;
  const refused = add ? 'sightings' : sighting ? 'new events' : 'new events and sightings';
  const hidden = [
    ...(add ? [] : ['“Create event” and “Add to existing event”']),
    ...(sighting ? [] : ['the sighting buttons']),
  ].join(' and ');
  return `Role ${info.roleName}: this key may look values up, but MISP refuses ${refused} from it, so Sightline hides ${hidden}.`;
}

/** The `status` region under "Test connection": version, user and organisation, or the human error. */
export function ConnectionStatus({ test }: Props) {
  return (
    <div role="status" aria-live="polite" class="connection-status">
      {test.state === 'testing' && <p>Connecting…</p>}
      {test.state === 'ok' && (
        <>
          <p class="status-ok">
            Connected to MISP {test.info.version} as {test.info.userEmail} ({test.info.orgName}, role{' '}
            {test.info.roleName}).
          </p>
          <p class="hint">
            {PERMISSION_LABELS.map(
              ([key, label]) => `${test.info.permissions[key] ? '✓' : '✗'} ${label}`,
            ).join(' · ')}
          </p>
          <p class="hint">{roleSummary(test.info)}</p>
        </>
      )}
      {test.state === 'error' && <p class="status-error">{test.error.message}</p>}
    </div>
  );
}
