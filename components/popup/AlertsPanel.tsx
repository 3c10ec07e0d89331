import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { countText } from '../../lib/format/count';
import { dayText } from '../../lib/format/time';
import { sendToBackground } from '../../lib/runtime';
import type { AlertsList, AlertView } from '../../lib/watch/model';
import { When } from '../When';

/** Entries grouped as they came: each watch rule, then "Seen before, known now"; newest first inside. */
export function groupAlerts(alerts: readonly AlertView[]): Array<{ name: string; alerts: AlertView[] }> {
  const groups = new Map<string, AlertView[]>();
  for (const alert of alerts) groups.set(alert.group, [...(groups.get(alert.group) ?? []), alert]);
  return [...groups.entries()].map(([name, list]) => ({ name, alerts: list }));
}

function AlertItem({ alert, onChanged }: { alert: AlertView; onChanged: () => Promise<void> }) {
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [first, ...rest] = alert.message.split('\n');

  async function open(event: MouseEvent, target: 'event' | 'page') {
    event.preventDefault();
    if (!event.isTrusted) return;
    await sendToBackground('alerts/open', { id: alert.id, target });
    await onChanged();
  }
  async function toggleRead() {
    await sendToBackground('alerts/mark-read', { ids: [alert.id], read: !alert.read });
    await onChanged();
  }
  async function recordSighting(event: MouseEvent) {
    if (!event.isTrusted) return;
    const result = await sendToBackground('alerts/record-sighting', { id: alert.id });
    setNote(result.ok ? { ok: true, text: result.data.message } : { ok: false, text: result.error.message });
    await onChanged();
  }

  const label = alert.value ?? alert.title;
  return (
    <li class={alert.read ? 'alert read' : 'alert unread'} aria-label={label}>
      <p>
        <strong>{alert.title}</strong>
        {!alert.read && <span class="alert-unread"> · Unread</span>}
      </p>
      <p>{first}</p>
      {rest.length > 0 && <p class="hint">{rest.join(' · ')}</p>}
      {alert.page && (
        <p class="hint">
          Read on{' '}
          <a href={alert.page.url} target="_blank" rel="noreferrer" onClick={(e) => void open(e, 'page')}>
            {alert.page.title || alert.page.host}
          </a>{' '}
          ({alert.page.host}) on {dayText(alert.page.readAt)}
        </p>
      )}
      <p class="hint">
        <When ms={alert.createdAt} /> ·{' '}
        <a href={alert.url} target="_blank" rel="noreferrer" onClick={(e) => void open(e, 'event')}>
          {alert.kind === 'summary' ? 'Open events in MISP' : 'Open event in MISP'}
        </a>
      </p>
      <div class="row">
        {alert.kind === 'seen' && (
          <button type="button" onClick={(e) => void recordSighting(e)}>
            Record sighting
          </button>
        )}
        <button
          type="button"
          onClick={() => void toggleRead()}
          aria-label={`Mark ${label} as ${alert.read ? 'unread' : 'read'}`}
        >
          {alert.read ? 'Mark unread' : 'Mark read'}
        </button>
      </div>
      {note && (
        <p class={note.ok ? 'status-ok' : 'status-error'} role="status">
          {note.text}
        </p>
      )}
    </li>
  );
}

/** The popup's "Alerts" tab: what is watched, when it was last checked, and the alerts in groups. */
export function AlertsPanel() {
  const [data, setData] = useState<AlertsList | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    const result = await sendToBackground('alerts/list', {});
    if (result.ok) setData(result.data);
    else setError(result.error.message);
  }
  useEffect(() => {
    void load();
  }, []);

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
      {data && (
        <div role="status" aria-label="Watching" class="hint">
          {data.watching.length === 0 ? (
            <p>No tags watched. Choose tags to watch in Sightline's options.</p>
          ) : (
            <>
              <p>
                Watching {data.watching.length === 1 ? '' : `${countText(data.watching.length, 'rule')}: `}
                {data.watching.join('; ')}.
              </p>
              <p>
                {data.lastCheckedAt === undefined ? (
                  'Not checked yet.'
                ) : (
                  <>
                    Last checked <When ms={data.lastCheckedAt} />.
                  </>
                )}
              </p>
            </>
          )}
          {data.remembering && <p>Indicators you read are remembered for late matches.</p>}
        </div>
      )}
      {data?.notificationProblem && (
        <p class="status-warn" role="note" aria-label="Notifications">
          {`${data.notificationProblem} `}
          <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
            Open the options
          </a>
        </p>
      )}
      {data && data.alerts.length === 0 && <p class="hint">No alerts yet.</p>}
      {data && data.alerts.length > 0 && (
        <>
          <div class="row">
            <span>{data.unread === 0 ? 'All read' : `${data.unread} unread`}</span>
            <button type="button" onClick={markAllRead} disabled={data.unread === 0}>
              Mark all read
            </button>
          </div>
          {groupAlerts(data.alerts).map((group) => (
            <div key={group.name}>
              <h2 class="alert-group">{group.name}</h2>
              <ul aria-label={group.name} class="alert-list">
                {group.alerts.map((alert) => (
                  <AlertItem key={alert.id} alert={alert} onChanged={load} />
                ))}
              </ul>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
