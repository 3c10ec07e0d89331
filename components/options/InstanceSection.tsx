import { useEffect, useState } from 'preact/hooks';
import type { ConnectionInfo, ErrorInfo, PublicInstance } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';
import { checkMispUrl } from '../../lib/url';
import { ConnectionStatus } from './ConnectionStatus';

type TestState =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'ok'; info: ConnectionInfo }
  | { state: 'error'; error: ErrorInfo };

/** Options section: connect Sightline to a MISP instance. */
export function InstanceSection() {
  const [instance, setInstance] = useState<PublicInstance | null>(null);
  const [url, setUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [test, setTest] = useState<TestState>({ state: 'idle' });
  const [saveMessage, setSaveMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void sendToBackground('instances/list', {}).then((result) => {
      const first = result.ok ? result.data[0] : undefined;
      if (first) {
        setInstance(first);
        setUrl(first.url);
      }
    });
  }, []);

  const urlCheck = url.trim() ? checkMispUrl(url) : null;

  async function onTest() {
    setTest({ state: 'testing' });
    const result = await sendToBackground('connection/test', {
      id: instance?.id,
      url,
      apiKey: apiKey || undefined,
    });
    setTest(result.ok ? { state: 'ok', info: result.data } : { state: 'error', error: result.error });
  }

  async function onSave(event: Event) {
    event.preventDefault();
    const result = await sendToBackground('instances/save', {
      instance: {
        id: instance?.id,
        name: instance?.name ?? '',
        url,
        apiKey: apiKey || undefined,
        useForLookups: instance?.useForLookups ?? true,
        defaultForEvents: instance?.defaultForEvents ?? true,
      },
    });
    if (result.ok) {
      setInstance(result.data);
      setUrl(result.data.url);
      setApiKey('');
      setSaveMessage({ ok: true, text: 'Saved.' });
    } else {
      setSaveMessage({ ok: false, text: result.error.message });
    }
  }

  return (
    <form class="card" onSubmit={onSave} aria-labelledby="instance-heading">
      <h2 id="instance-heading">MISP instance</h2>
      <label for="misp-url">MISP URL</label>
      <input
        id="misp-url"
        type="url"
        value={url}
        placeholder="https://misp.example.org"
        autocomplete="url"
        aria-describedby="misp-url-hint"
        onInput={(e) => setUrl(e.currentTarget.value)}
      />
      <p
        id="misp-url-hint"
        class={urlCheck?.error ? 'hint status-error' : urlCheck?.warning ? 'hint status-warn' : 'hint'}
      >
        {urlCheck?.error ?? urlCheck?.warning ?? 'The address you open MISP at.'}
      </p>
      <label for="misp-key">API key</label>
      <input
        id="misp-key"
        type="text"
        class="secret"
        value={apiKey}
        autocomplete="off"
        spellcheck={false}
        placeholder={instance?.hasKey ? `Stored (${instance.keyHint}) — type to replace` : '40 characters'}
        aria-describedby="misp-key-hint"
        onInput={(e) => setApiKey(e.currentTarget.value)}
      />
      <p id="misp-key-hint" class="hint">
        MISP → your profile → Auth keys. The key stays in this browser's extension storage and is only sent to
        this MISP.
      </p>
      <div class="row">
        <button type="button" onClick={onTest} disabled={test.state === 'testing'}>
          Test connection
        </button>
        <button type="submit" class="primary">
          Save
        </button>
        {saveMessage && (
          <span class={saveMessage.ok ? 'status-ok' : 'status-error'} role="alert">
            {saveMessage.text}
          </span>
        )}
      </div>
      <ConnectionStatus test={test} />
    </form>
  );
}
