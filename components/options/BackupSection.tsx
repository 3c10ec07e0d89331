import { useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';

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

  async function importText(text: string) {
    const answer = await sendToBackground('settings/import', { json: text });
    setMessage(
      answer.ok
        ? {
            ok: true,
            text: `Imported ${answer.data.instances} MISP ${answer.data.instances === 1 ? 'instance' : 'instances'} and ${answer.data.preferences} settings. Reload this page to see them.`,
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
      {message && (
        <p class={message.ok ? 'hint status-ok' : 'hint status-error'} aria-live="polite">
          {message.text}
        </p>
      )}
    </section>
  );
}
