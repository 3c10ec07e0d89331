import { useEffect, useState } from 'preact/hooks';
import { countText } from '../../lib/format/count';
import { sendToBackground } from '../../lib/runtime';
import { LOCKED_HINT, usePreferences } from './usePreferences';

const MAX_TTL_MINUTES = 7 * 24 * 60;

/** Options section: how long MISP's answers are kept, what the cache holds, and "Clear cache". */
export function CacheSection() {
  const { preferences, locked, message, save } = usePreferences();
  const [ttl, setTtl] = useState('');
  const [ttlError, setTtlError] = useState<string | null>(null);
  const [stats, setStats] = useState<{ entries: number; hits: number } | null>(null);
  const [cleared, setCleared] = useState(false);

  async function refreshStats() {
    const answer = await sendToBackground('cache/stats', {});
    if (answer.ok) setStats(answer.data);
  }

  useEffect(() => {
    void refreshStats();
  }, []);
  useEffect(() => {
    if (preferences) setTtl(String(preferences.cacheTtlMinutes));
  }, [preferences?.cacheTtlMinutes]);

  if (!preferences) return <section class="card" aria-busy="true" aria-label="Lookup cache" />;

  function saveTtl() {
    const minutes = Number(ttl);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TTL_MINUTES) {
      setTtlError(`Not saved: enter whole minutes from 1 to ${MAX_TTL_MINUTES} (a week).`);
      return;
    }
    setTtlError(null);
    void save({ cacheTtlMinutes: minutes });
  }

  async function onClear() {
    const answer = await sendToBackground('cache/clear', {});
    setCleared(answer.ok);
    await refreshStats();
  }

  const ttlLocked = locked.has('cacheTtlMinutes');
  return (
    <section class="card" aria-labelledby="cache-heading">
      <h2 id="cache-heading">Lookup cache</h2>
      <label for="cache-ttl">Keep MISP answers for (minutes)</label>
      <input
        id="cache-ttl"
        type="number"
        min={1}
        max={MAX_TTL_MINUTES}
        value={ttl}
        disabled={ttlLocked}
        aria-describedby="cache-ttl-hint"
        aria-invalid={ttlError ? 'true' : undefined}
        onInput={(e) => setTtl(e.currentTarget.value)}
        onBlur={saveTtl}
      />
      <p id="cache-ttl-hint" class={ttlError ? 'hint status-error' : 'hint'}>
        {ttlError ?? (ttlLocked ? LOCKED_HINT : 'Hits and misses are asked again after this time.')}
      </p>
      {message && !ttlError && (
        <p class={message.ok ? 'hint status-ok' : 'hint status-error'} aria-live="polite">
          {message.text}
        </p>
      )}
      <p aria-live="polite" id="cache-stats">
        {stats
          ? `${countText(stats.entries, 'cached answer')}: ${stats.hits} known to MISP, ${stats.entries - stats.hits} not.`
          : 'Reading the cache…'}
        {cleared ? ' Cache cleared.' : ''}
      </p>
      <div class="row">
        <button type="button" onClick={onClear}>
          Clear cache
        </button>
      </div>
    </section>
  );
}
