import { useState } from 'preact/hooks';
import { countText } from '../../lib/format/count';
import type { ImportChange } from '../../lib/protocol/settings';
import { sendToBackground } from '../../lib/runtime';

const KEY_TEXT = {
  'from-file': 'key from the file',
  kept: 'stored key kept (same address)',
  cleared: 'stored key cleared (another address): type its key after importing',
  none: 'no key',
} as const;

/** One line of the import review, in the analyst's words. */
export function describeChange(change: ImportChange): string {
  switch (change.kind) {
    case 'skipped':
      return `${change.name} (${change.url}) is not imported: ${change.reason}`;
    case 'preference':
      return `Setting “${change.name}” becomes ${change.value}`;
    default: {
      const what =
        change.kind === 'added'
          ? `Add ${change.name} (${change.url})`
          : change.kind === 'url-changed'
            ? `${change.name}: URL ${change.previousUrl ?? ''} → ${change.url}`
            : `${change.name} (${change.url}): settings updated`;
      const insecure = change.insecure ? ' ⚠ the key would travel unencrypted over http://' : '';
      return `${what} — ${KEY_TEXT[change.key]}${insecure}`;
    }
  }
}

interface Review {
  json: string;
  changes: ImportChange[];
  needsInsecureConfirmation: boolean;
}

/** Options section: settings as a JSON file, API keys only when asked for. */
export function BackupSection() {
  const [includeKeys, setIncludeKeys] = useState(false);
  const [json, setJson] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function onExport() {
    const answer = await sendToBackground('settings/export', { includeKeys });
    if (!answer.ok) {
      setMessage({ ok: false, text: answer.error.message });
      return;
    }
    setJson(answer.data.json);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([answer.data.json], { type: 'application/json' }));
    link.download = 'sightline-settings.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    setMessage({
      ok: true,
      text: includeKeys
        ? 'Exported, with API keys: keep this file as safe as the keys themselves.'
        : 'Exported without API keys.',
    });
  }

  const [review, setReview] = useState<Review | null>(null);
  const [allowInsecure, setAllowInsecure] = useState(false);

  /** Reads the file's changes first: nothing is applied before "Apply import". */
  async function importText(text: string) {
    setReview(null);
    setAllowInsecure(false);
    const answer = await sendToBackground('settings/import', { json: text });
    if (!answer.ok) {
      setMessage({ ok: false, text: `Not imported: ${answer.error.message}` });
      return;
    }
    setMessage(null);
    setReview({ json: text, ...answer.data });
  }

  async function onApply() {
    if (!review) return;
    const answer = await sendToBackground('settings/import', {
      json: review.json,
      apply: true,
      ...(allowInsecure ? { allowInsecure: true } : {}),
    });
    setReview(null);
    setMessage(
      answer.ok
        ? {
            ok: true,
            text: `Imported ${countText(answer.data.instances, 'MISP instance')} and ${countText(answer.data.preferences, 'setting')}. Reload this page to see them.`,
          }
        : { ok: false, text: `Not imported: ${answer.error.message}` },
    );
  }

  async function onFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > 1_000_000) {
      setMessage({ ok: false, text: 'Not imported: the file is larger than 1 MB.' });
      return;
    }
    const text = await file.text();
    setJson(text);
    await importText(text);
  }

  return (
    <section class="card" aria-labelledby="backup-heading">
      <h2 id="backup-heading">Export and import</h2>
      <label style={{ fontWeight: 400 }}>
        <input
          type="checkbox"
          checked={includeKeys}
          onChange={(e) => setIncludeKeys(e.currentTarget.checked)}
        />{' '}
        Include API keys in the export
      </label>
      <label for="settings-json">Settings JSON</label>
      <textarea
        id="settings-json"
        rows={5}
        spellcheck={false}
        value={json}
        onInput={(e) => setJson(e.currentTarget.value)}
      />
      <div class="row">
        <button type="button" onClick={onExport}>
          Export settings
        </button>
        <button type="button" onClick={() => void importText(json)} disabled={!json.trim()}>
          Import settings
        </button>
        <label style={{ fontWeight: 400, margin: 0 }}>
          Import from file <input type="file" accept="application/json,.json" onChange={onFile} />
        </label>
      </div>
      {review && (
        <section aria-labelledby="import-review-heading" class="card">
          <h3 id="import-review-heading">Review the import</h3>
          {review.changes.length === 0 ? (
            <p>This file changes nothing.</p>
          ) : (
            <ul aria-label="Changes in this file">
              {review.changes.map((change) => (
                <li key={describeChange(change)}>{describeChange(change)}</li>
              ))}
            </ul>
          )}
          {review.needsInsecureConfirmation && (
            <label style={{ fontWeight: 400 }}>
              <input
                type="checkbox"
                checked={allowInsecure}
                onChange={(e) => setAllowInsecure(e.currentTarget.checked)}
              />{' '}
              Send API keys unencrypted where marked ⚠
            </label>
          )}
          <div class="row">
            <button type="button" onClick={() => setReview(null)}>
              Cancel import
            </button>
            <button
              type="button"
              class="primary"
              onClick={() => void onApply()}
              disabled={review.needsInsecureConfirmation && !allowInsecure}
            >
              Apply import
            </button>
          </div>
        </section>
      )}
      {message && (
        <p class={message.ok ? 'hint status-ok' : 'hint status-error'} aria-live="polite">
          {message.text}
        </p>
      )}
    </section>
  );
}
