import { useEffect, useState } from 'preact/hooks';
import {
  type CardSightings,
  type HistoryState,
  HoverCard,
  type HoverCardProps,
  historyKey,
} from '../../../components/card/HoverCard';
import type { Match } from '../../lookup/matches';
import { sendToBackground } from '../../runtime';
import { CARD_UNDO_MS, SIGHTING_TYPE_LABELS, type SightingType } from '../../sightings/model';

/**
 * The hover card in the reader: Sightline's card component, fed from the background as the content
 * script feeds it. Sightings name the PDF's tab as their source. Only real clicks act.
 */
export function ReaderCard({ value, tabId, onClose }: { value: string; tabId?: number; onClose(): void }) {
  const [state, setState] = useState<HoverCardProps['state']>({ kind: 'loading' });
  const [permission, setPermission] = useState<CardSightings['permission']>(undefined);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<CardSightings['message']>(undefined);
  const [undoKeys, setUndoKeys] = useState<string[]>([]);
  const [history, setHistory] = useState<Record<string, HistoryState>>({});

  const load = async () => {
    const answer = await sendToBackground('card/matches', { value });
    setState(
      answer.ok
        ? {
            kind: 'ready',
            matches: answer.data.matches,
            instances: answer.data.instances,
            notes: answer.data.notes,
          }
        : { kind: 'error', message: answer.error.message },
    );
  };
  useEffect(() => {
    setState({ kind: 'loading' });
    setMessage(undefined);
    setUndoKeys([]);
    void load();
    void sendToBackground('sightings/permission', {}).then((answer) =>
      setPermission(answer.ok ? answer.data : { allowed: false, reason: answer.error.message }),
    );
  }, [value]);
  useEffect(() => {
    if (undoKeys.length === 0) return;
    const timer = setTimeout(() => setUndoKeys([]), CARD_UNDO_MS);
    return () => clearTimeout(timer);
  }, [undoKeys]);

  const record = async (type: SightingType, event: Event, instanceId?: string) => {
    if (!event.isTrusted || busy) return;
    const label = SIGHTING_TYPE_LABELS[type];
    setBusy(true);
    setMessage({ kind: 'info', text: `Recording ${label}…` });
    const answer = await sendToBackground('sightings/record', {
      values: [value],
      type,
      ...(tabId === undefined ? {} : { tabId }),
      ...(instanceId === undefined ? {} : { instanceId }),
    });
    setBusy(false);
    if (!answer.ok) {
      setMessage({ kind: 'error', text: answer.error.message });
      return;
    }
    const failed = answer.data.records.find((item) => item.state === 'failed');
    const queued = answer.data.records.some((item) => item.state === 'queued' || item.state === 'sending');
    setUndoKeys(failed ? [] : answer.data.records.map((item) => item.key));
    setMessage(
      failed
        ? { kind: 'error', text: failed.lastError ?? `MISP recorded no ${label}.` }
        : queued
          ? {
              kind: 'info',
              text: `MISP is unreachable: the ${label} is queued and will be sent when it is back.`,
            }
          : { kind: 'ok', text: `Recorded ${label} in MISP.` },
    );
    await load();
  };

  const undo = async (event: Event) => {
    if (!event.isTrusted || busy || undoKeys.length === 0) return;
    const keys = undoKeys;
    setUndoKeys([]);
    setBusy(true);
    const answers = await Promise.all(keys.map((key) => sendToBackground('sightings/undo', { key })));
    setBusy(false);
    const failure = answers.find((answer) => !answer.ok);
    setMessage(
      failure && !failure.ok
        ? { kind: 'error', text: failure.error.message }
        : { kind: 'ok', text: answers.map((answer) => (answer.ok ? answer.data.message : '')).join(' ') },
    );
    await load();
  };

  const showHistory = async (match: Match, event: Event) => {
    if (!event.isTrusted) return;
    const key = historyKey(match);
    setHistory((old) => ({ ...old, [key]: { kind: 'loading' } }));
    const answer = await sendToBackground('sightings/history', {
      instanceId: match.instanceId,
      attributeId: match.attribute.id,
    });
    setHistory((old) => ({
      ...old,
      [key]: answer.ok
        ? { kind: 'ready', rows: answer.data.rows }
        : { kind: 'error', message: answer.error.message },
    }));
  };

  return (
    <HoverCard
      value={value}
      state={state}
      onClose={onClose}
      sightings={{
        permission,
        busy,
        message,
        canUndo: undoKeys.length > 0,
        history,
        onRecord: (type, event, instanceId) => void record(type, event, instanceId),
        onUndo: (event) => void undo(event),
        onHistory: (match, event) => void showHistory(match, event),
      }}
    />
  );
}
