import { useEffect, useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';
import type { SightingSource } from '../../lib/settings';
import { SIGHTING_SOURCE_PRIVACY } from '../../lib/sightings/source';
import { LOCKED_HINT } from './usePreferences';

const CHOICES: Array<{ kind: SightingSource['kind']; label: string }> = [
  { kind: 'host', label: 'Page host' },
  { kind: 'url', label: 'Full page URL' },
  { kind: 'fixed', label: 'Fixed text' },
];

/** Options section: what a sighting names as its source, and what that shares. Saved as it changes. */
export function SightingSourceSection() {
  const [source, setSource] = useState<SightingSource | null>(null);
  const [text, setText] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [locked, setLocked] = useState(false);

  useEffect(() => {
    void sendToBackground('policy/get', {}).then((answer) => {
      if (answer.ok) setLocked(answer.data.locked.includes('sightingSource'));
    });
    void sendToBackground('preferences/get', {}).then((answer) => {
      if (!answer.ok) return;
      setSource(answer.data.sightingSource);
      if (answer.data.sightingSource.kind === 'fixed') setText(answer.data.sightingSource.text);
    });
  }, []);

  async function save(next: SightingSource) {
    setSource(next);
    const answer = await sendToBackground('preferences/save', { patch: { sightingSource: next } });
    setStatus(
      answer.ok ? { ok: true, text: 'Sighting source saved.' } : { ok: false, text: answer.error.message },
    );
  }

  const current = source?.kind ?? 'host';
  return (
    <section class="card" aria-labelledby="sighting-source-heading">
      <h2 id="sighting-source-heading">Sightings</h2>
      <div
        role="radiogroup"
        aria-label="Sighting source"
        aria-describedby={locked ? 'sighting-source-lock sighting-source-note' : 'sighting-source-note'}
      >
        {CHOICES.map((choice) => (
          <label key={choice.kind} class="inline">
            <input
              type="radio"
              name="sighting-source"
              value={choice.kind}
              checked={current === choice.kind}
              disabled={source === null || locked}
              onChange={() =>
                void save(choice.kind === 'fixed' ? { kind: 'fixed', text } : { kind: choice.kind })
              }
            />{' '}
            {choice.label}
          </label>
        ))}
      </div>
      {current === 'fixed' && (
        <>
          <label for="sighting-source-text">Source text</label>
          <input
            id="sighting-source-text"
            type="text"
            value={text}
            maxLength={255}
            disabled={locked}
            placeholder="e.g. SOC Tier 2"
            onInput={(e) => setText(e.currentTarget.value)}
            onChange={(e) => void save({ kind: 'fixed', text: e.currentTarget.value })}
          />
        </>
      )}
      {locked && (
        <p id="sighting-source-lock" class="hint">
          {LOCKED_HINT}
        </p>
      )}
      <p id="sighting-source-note" class="hint">
        Every sighting, false positive and expiration you record carries this as its source, visible to
        everyone your MISP shares the sighting with. {SIGHTING_SOURCE_PRIVACY[current]}
      </p>
      {status && (
        <p class={status.ok ? 'hint status-ok' : 'status-error'} role="status">
          {status.text}
        </p>
      )}
    </section>
  );
}
