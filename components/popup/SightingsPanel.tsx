import { useCallback, useEffect, useState } from 'preact/hooks';
import { countText, nounFor } from '../../lib/format/count';
import { knownStatusText, type LookupInstanceView } from '../../lib/lookup/by-instance';
import type { TabIndicators } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';
import { SIGHTING_TYPE_LABELS, type SightingType, type SightingView } from '../../lib/sightings/model';
import { When } from '../When';
import { notScannedText } from './PageState';
import type { PopupTab } from './PopupApp';

const STATE_LABELS: Record<SightingView['state'], string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
};

function describeValues(values: string[]): string {
  return values.length === 1 ? (values[0] ?? '') : countText(values.length, 'value');
}

/** What a bulk action did, value by value (MISP skips unknown values silently: say so). */
function BulkResult({ records, message }: { records: SightingView[]; message?: string }) {
  const rows = records.flatMap((record) =>
    record.result
      ? record.result.perValue.map((row) => ({ ...row, instance: record.instanceName }))
      : record.values.map((value) => ({
          value,
          ok: record.state === 'failed' ? false : null,
          count: 0,
          instance: record.instanceName,
        })),
  );
  const failed = records.find((record) => record.state === 'failed');
  const queued = records.some((record) => record.state === 'queued' || record.state === 'sending');
  const missed = rows.filter((row) => row.ok === false);
  return (
    <div role="status" class="bulk-result">
      {message && <p>{message}</p>}
      {failed && <p class="status-error">MISP refused it: {failed.lastError}</p>}
      {queued && <p>MISP is unreachable: queued, it will be sent when MISP is back.</p>}
      {!failed && !queued && missed.length > 0 && (
        <p class="status-warn">
          {countText(missed.length, 'value')} did not take (MISP has no attribute you can see with{' '}
          {nounFor(missed.length, 'it', 'them')}): {missed.map((row) => row.value).join(', ')}
        </p>
      )}
      <ul aria-label="Results">
        {rows.map((row) => (
          <li key={`${row.instance}:${row.value}`}>
            {row.value}:{' '}
            {row.ok === true
              ? `recorded (${countText(row.count, 'attribute')})`
              : row.ok === false
                ? 'did not take'
                : 'not confirmed yet'}
          </li>
        ))}
      </ul>
    </div>
  );
}

function RecordRow({ record, onChanged }: { record: SightingView; onChanged(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const label = SIGHTING_TYPE_LABELS[record.type];
  const undone = record.result?.undone === true;
  async function act(kind: 'undo' | 'retry', event: Event) {
    if (!event.isTrusted) return;
    setBusy(true);
    const answer =
      kind === 'undo'
        ? await sendToBackground('sightings/undo', { key: record.key })
        : await sendToBackground('sightings/retry', { key: record.key });
    setBusy(false);
    if (!answer.ok) onChanged(answer.error.message);
    else onChanged('outcome' in answer.data ? answer.data.message : `${STATE_LABELS[answer.data.state]}.`);
  }
  const name = `${label} of ${describeValues(record.values)}`;
  return (
    <li aria-label={name}>
      <span class="record-what">
        {label} · {describeValues(record.values)}
      </span>{' '}
      <span class="hint">
        <When ms={record.createdAt} /> · {record.source || 'no source'} ·{' '}
        <span class={record.state === 'failed' ? 'status-error' : undefined}>
          {undone ? 'Undone' : record.undoPending ? 'Undo queued' : STATE_LABELS[record.state]}
        </span>
        {record.lastError && record.state !== 'sent' ? ` — ${record.lastError}` : ''}
      </span>{' '}
      {(record.state === 'queued' || record.state === 'failed') && (
        <button type="button" disabled={busy} onClick={(e) => void act('retry', e)}>
          Retry now
        </button>
      )}{' '}
      {record.undoable && (
        <button type="button" disabled={busy} onClick={(e) => void act('undo', e)}>
          Undo
        </button>
      )}
    </li>
  );
}

/**
 * The popup's "Sightings" panel: the tab's known indicators with checkboxes for a bulk sighting,
 * false positive or expiration (one MISP request), per-value results, and the analyst's own recent
 * sightings with their outbox state and Undo while it is possible.
 */
export function SightingsPanel({ tab }: { tab: PopupTab }) {
  const [indicators, setIndicators] = useState<TabIndicators['indicators'] | null>(null);
  /** Why the page has nothing (not scanned), rather than "nothing in MISP". */
  const [notScanned, setNotScanned] = useState<string | undefined>(undefined);
  const [instances, setInstances] = useState<LookupInstanceView[]>([]);
  /** '' = every instance that knows the value. */
  const [target, setTarget] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [permission, setPermission] = useState<{ allowed: boolean; reason?: string } | null>(null);
  const [records, setRecords] = useState<SightingView[]>([]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ records: SightingView[]; message?: string } | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  const refreshList = useCallback(async () => {
    const answer = await sendToBackground('sightings/list', {});
    if (answer.ok) setRecords(answer.data.records);
  }, []);

  useEffect(() => {
    void sendToBackground('tab/indicators', { tabId: tab.id }).then((answer) => {
      if (answer.ok) {
        setIndicators(answer.data.indicators.filter((row) => row.status.status === 'known'));
        setNotScanned(answer.data.page && notScannedText(answer.data.page));
        setInstances(answer.data.instances ?? []);
      } else {
        setIndicators([]);
        setError(answer.error.message);
      }
    });
    void sendToBackground('sightings/permission', {}).then((answer) =>
      setPermission(answer.ok ? answer.data : { allowed: true }),
    );
    void refreshList();
    // Queued sightings change state in the background (retries): keep the list current.
    const timer = setInterval(() => void refreshList(), 2000);
    return () => clearInterval(timer);
  }, [tab.id, refreshList]);

  function toggle(value: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(value);
    else next.delete(value);
    setSelected(next);
  }

  async function record(type: SightingType, event: Event) {
    if (!event.isTrusted || selected.size === 0) return;
    setBusy(true);
    setError('');
    setResult(null);
    const answer = await sendToBackground('sightings/record', {
      values: [...selected],
      type,
      tabId: tab.id,
      ...(target ? { instanceId: target } : {}),
    });
    setBusy(false);
    if (answer.ok) setResult({ records: answer.data.records });
    else setError(answer.error.message);
    await refreshList();
  }

  const allowed = permission?.allowed !== false;
  return (
    <section aria-label="Sightings">
      {permission && !permission.allowed && (
        <p class="hint">Recording sightings is not available: {permission.reason}</p>
      )}
      {indicators === null && <p class="hint">Loading…</p>}
      {indicators && indicators.length === 0 && (
        <p class="hint">{notScanned ?? 'No indicator on this page is in MISP.'}</p>
      )}
      {indicators && indicators.length > 0 && (
        <>
          <ul style={{ listStyle: 'none', padding: 0 }} aria-label="Known indicators on this page">
            {indicators.map((row) => (
              <li key={row.value}>
                <label class="inline">
                  <input
                    type="checkbox"
                    aria-label={row.value}
                    checked={selected.has(row.value)}
                    onChange={(e) => toggle(row.value, e.currentTarget.checked)}
                  />{' '}
                  <span style={{ fontFamily: 'monospace' }}>{row.value}</span>{' '}
                  <span class="hint">{knownStatusText(row.status, instances)}</span>
                </label>
              </li>
            ))}
          </ul>
          {allowed && instances.length > 1 && (
            <div>
              <label for="sighting-instance">MISP instance</label>
              <select
                id="sighting-instance"
                value={target}
                onChange={(event) => setTarget(event.currentTarget.value)}
              >
                <option value="">Every instance that knows it</option>
                {instances.map((instance) => (
                  <option key={instance.id} value={instance.id}>
                    {instance.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          {allowed && (
            <div class="row">
              <button
                type="button"
                class="primary"
                disabled={busy || selected.size === 0}
                onClick={(e) => void record(0, e)}
              >
                Record sighting
              </button>
              <button type="button" disabled={busy || selected.size === 0} onClick={(e) => void record(1, e)}>
                Mark false positive
              </button>
              <button type="button" disabled={busy || selected.size === 0} onClick={(e) => void record(2, e)}>
                Mark expired
              </button>
            </div>
          )}
        </>
      )}
      {error && (
        <p class="status-error" role="alert">
          {error}
        </p>
      )}
      {result && <BulkResult records={result.records} />}
      <h2>Your recent sightings</h2>
      {notice && <p role="status">{notice}</p>}
      {records.length === 0 ? (
        <p class="hint">None yet.</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0 }} aria-label="Your recent sightings">
          {records.map((item) => (
            <RecordRow
              key={item.key}
              record={item}
              onChanged={(text) => {
                setNotice(text);
                void refreshList();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
