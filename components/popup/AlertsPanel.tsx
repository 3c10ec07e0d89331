import { useEffect, useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';
import type { AlertView } from '../../lib/watch/model';

type Loaded = { alerts: AlertView[]; unread: number; problems: string[] };

function when(ms: number): string {
  const date = new Date(ms);
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** The popup's "Alerts" tab: notifications raised for watched tags, newest first. */
export function AlertsPanel() {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    const result = await sendToBackground('alerts/list', {});
    if (result.ok) setData(result.data);
    else setError(result.error.message);
  }
  useEffect(() => {
    void load();
  }, []);

  async function open(alert: AlertView, event: MouseEvent) {
    event.preventDefault();
    if (!event.isTrusted) return;
    await sendToBackground('alerts/open', { id: alert.id });
    await load();
  }

  async function markAllRead() {
    await sendToBackground('alerts/mark-read', {});
    await load();
  }

  return (
    <section aria-label="Alerts">
      {error && <p class="status-error">{error}</p>}
      {data?.problems.map((problem) => (
        <p key={problem} class="status-error">
          {problem}
        </p>
      ))}
      {data && data.alerts.length === 0 && (
        <p class="hint">No alerts yet. Choose tags to watch in Sightline's options.</p>
      )}
      {data && data.alerts.length > 0 && (
        <>
          <div class="row">
            <span>{data.unread === 0 ? 'All read' : `${data.unread} unread`}</span>
            <button type="button" onClick={markAllRead} disabled={data.unread === 0}>
              Mark all read
            </button>
          </div>
          <ul aria-label="Recent alerts" class="alert-list">
            {data.alerts.map((alert) => {
              const [first, ...rest] = alert.message.split('\n');
              return (
                <li key={alert.id} class={alert.read ? 'alert read' : 'alert unread'}>
                  <p>
                    <strong>{alert.title}</strong>
                    {!alert.read && <span class="alert-unread"> · Unread</span>}
                  </p>
                  <p>{first}</p>
                  {rest.length > 0 && <p class="hint">{rest.join(' ')}</p>}
                  <p class="hint">
                    {when(alert.createdAt)} ·{' '}
                    <a
                      href={alert.url}
                      target="_blank"
                      rel="noreferrer"
                      onClick={(event) => void open(alert, event)}
                    >
                      {alert.kind === 'event' ? 'Open event in MISP' : 'Open events in MISP'}
                    </a>
                  </p>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
