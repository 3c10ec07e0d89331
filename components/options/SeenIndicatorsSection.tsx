import { useEffect, useState } from 'preact/hooks';
import { countText } from '../../lib/format/count';
import { fullTime } from '../../lib/format/time';
import type { SeenStats } from '../../lib/protocol/seen';
import { sendToBackground } from '../../lib/runtime';
import type { Preferences } from '../../lib/settings';
import { LOCKED_HINT, usePreferences } from './usePreferences';

type NumberKey = 'seenRetentionDays' | 'seenCheckMinutes';
const LIMITS: Record<NumberKey, { min: number; max: number; what: string }> = {
  seenRetentionDays: { min: 1, max: 365, what: 'whole days from 1 to 365' },
  seenCheckMinutes: { min: 1, max: 7 * 24 * 60, what: 'whole minutes, 1 at the least' },
};

/** "… 1,204 indicators remembered, the oldest read on 3 Nov; last checked 10:42." */
export function seenStatsText(stats: SeenStats): string {
  const parts = [`${countText(stats.count, 'indicator')} remembered`];
  if (stats.oldestAt !== undefined && stats.count > 0)
    parts.push(`the oldest read ${fullTime(stats.oldestAt)}`);
  parts.push(
    stats.lastCheckAt === undefined ? 'not checked yet' : `last checked ${fullTime(stats.lastCheckAt)}`,
  );
  return `${parts.join('; ')}.`;
}

/**
 * Options section: "seen before, known now" — whether Sightline remembers the indicators MISP did
 * not know on the pages you read, for how long, how often it asks MISP again, and "Forget".
 */
export function SeenIndicatorsSection() {
  const { preferences, locked, message, save } = usePreferences();
  const [stats, setStats] = useState<SeenStats | null>(null);
  const [texts, setTexts] = useState<Record<NumberKey, string>>({
    seenRetentionDays: '',
    seenCheckMinutes: '',
  });
  const [error, setError] = useState<string | null>(null);
  const [forgotten, setForgotten] = useState(false);

  async function refresh() {
    const answer = await sendToBackground('seen/stats', {});
    if (answer.ok) setStats(answer.data);
  }
  useEffect(() => {
    void refresh();
  }, []);
  useEffect(() => {
    if (preferences)
      setTexts({
        seenRetentionDays: String(preferences.seenRetentionDays),
        seenCheckMinutes: String(preferences.seenCheckMinutes),
      });
  }, [preferences?.seenRetentionDays, preferences?.seenCheckMinutes]);

  if (!preferences) return <section class="card" aria-busy="true" aria-label="Seen before, known now" />;

  function saveNumber(key: NumberKey) {
    const value = Number(texts[key]);
    const { min, max, what } = LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      setError(`Not saved: enter ${what}.`);
      return;
    }
    setError(null);
    if (value !== preferences?.[key]) void save({ [key]: value } as Partial<Preferences>);
  }

  async function onForget() {
    const answer = await sendToBackground('seen/forget', {});
    setForgotten(answer.ok);
    await refresh();
  }

  const numberField = (key: NumberKey, id: string, label: string, unit: string) => (
    <>
      <label for={id}>{label}</label>
      <div class="row">
        <input
          id={id}
          type="number"
          min={LIMITS[key].min}
          max={LIMITS[key].max}
          style={{ width: '7em' }}
          value={texts[key]}
          disabled={locked.has(key) || !preferences.rememberSeen}
          aria-describedby={`${id}-unit`}
          onInput={(e) => setTexts({ ...texts, [key]: e.currentTarget.value })}
          onChange={() => saveNumber(key)}
        />
        <span id={`${id}-unit`}>{unit}</span>
      </div>
    </>
  );

  return (
    <section class="card" aria-labelledby="seen-heading">
      <h2 id="seen-heading">Seen before, known now</h2>
      <label class="inline">
        <input
          type="checkbox"
          checked={preferences.rememberSeen}
          disabled={locked.has('rememberSeen')}
          aria-describedby="seen-hint"
          onChange={(e) => void save({ rememberSeen: e.currentTarget.checked })}
        />
        Remember indicators I read (for late matches)
      </label>
      <p id="seen-hint" class="hint">
        Indicators MISP did not know when you read them are kept in this browser with the page's host, title
        and address (no page text, nothing from sites never scanned or from MISP itself). When MISP learns one
        later, Sightline tells you where you read it.
      </p>
      {locked.has('rememberSeen') && <p class="hint">{LOCKED_HINT}</p>}
      {numberField('seenRetentionDays', 'seen-days', 'Keep for (days)', 'days')}
      {numberField('seenCheckMinutes', 'seen-check', 'Check seen indicators every', 'minutes')}
      {error && (
        <p class="status-error" role="alert">
          {error}
        </p>
      )}
      {message && !error && <p class={message.ok ? 'status-ok' : 'status-error'}>{message.text}</p>}
      <p role="note" aria-label="Seen indicators" aria-live="polite">
        {stats ? seenStatsText(stats) : ''}
        {stats?.problem ? ` ${stats.problem}` : ''}
      </p>
      <div class="row">
        <button type="button" onClick={() => void onForget()}>
          Forget seen indicators
        </button>
        {forgotten && <span class="status-ok">Forgotten.</span>}
      </div>
    </section>
  );
}
