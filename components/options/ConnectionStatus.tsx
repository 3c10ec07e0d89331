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
        </>
      )}
      {test.state === 'error' && <p class="status-error">{test.error.message}</p>}
    </div>
  );
}
