import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { z } from 'zod';
import type { ConnectionInfo, ErrorInfo, PublicInstance } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';
import { isValidKeyShape } from '../../lib/settings';
import { checkMispUrl, originPattern } from '../../lib/url';
import { ConnectionStatus } from './ConnectionStatus';

type TestState =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'ok'; info: ConnectionInfo }
  | { state: 'error'; error: ErrorInfo };

type Policy = { lockInstances: boolean; locked: string[]; managedInstances: number };

const AUTOSAVE_DELAY_MS = 600;

/**
 * Whether host access is something the analyst grants (Firefox MV3: `optional_host_permissions`). In
 * Chrome, access comes with the install and the options page says nothing about it.
 */
const ACCESS_IS_OPTIONAL =
  (z
    .object({ optional_host_permissions: z.array(z.string()).optional() })
    .safeParse(browser.runtime.getManifest()).data?.optional_host_permissions?.length ?? 0) > 0;

/** Whether the browser lets Sightline reach a MISP origin (Firefox MV3 grants host access separately). */
async function hasHostAccess(url: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [originPattern(url)] });
  } catch {
    return false;
  }
}

/** `https://misp.example.org:8443`: what the analyst recognises of a MISP URL. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Options section: the MISP instances Sightline talks to, one editor each. */
export function InstanceSection() {
  const [instances, setInstances] = useState<PublicInstance[] | null>(null);
  const [drafts, setDrafts] = useState<string[]>([]);
  const [policy, setPolicy] = useState<Policy>({ lockInstances: false, locked: [], managedInstances: 0 });
  const editorKeys = useRef(new Map<string, string>());

  async function reload() {
    const [list, policyAnswer] = await Promise.all([
      sendToBackground('instances/list', {}),
      sendToBackground('policy/get', {}),
    ]);
    if (policyAnswer.ok) setPolicy(policyAnswer.data);
    const loaded = list.ok ? list.data : [];
    setInstances(loaded);
    // With no instance yet, show one empty editor straight away.
    setDrafts((current) => (loaded.length === 0 && current.length === 0 ? [crypto.randomUUID()] : current));
  }

  useEffect(() => {
    void reload();
  }, []);

  if (!instances) return <section class="card" aria-busy="true" aria-label="MISP instances" />;
  // Drafts that became instances are shown as those instances (under the same key).
  const savedDrafts = new Set(instances.flatMap((instance) => editorKeys.current.get(instance.id) ?? []));
  const openDrafts = drafts.filter((id) => !savedDrafts.has(id));

  return (
    <section class="card" aria-labelledby="instances-heading">
      <h2 id="instances-heading">MISP instances</h2>
      {policy.managedInstances > 0 && (
        <p class="hint">
          🔒 Your organisation presets {policy.managedInstances === 1 ? 'a MISP instance' : 'MISP instances'}
          {policy.lockInstances ? ' and locks the list' : ''}: their address cannot be changed here.
        </p>
      )}
      {[
        ...instances.map((instance) => (
          <InstanceEditor
            key={editorKeys.current.get(instance.id) ?? instance.id}
            instance={instance}
            count={instances.length + openDrafts.length}
            onChanged={reload}
          />
        )),
        ...openDrafts.map((draftId) => (
          <InstanceEditor
            key={draftId}
            count={instances.length + openDrafts.length}
            onChanged={async (saved) => {
              if (saved) {
                // The saved draft keeps its editor (same key): its messages and pending saves stay on screen.
                editorKeys.current.set(saved.id, draftId);
                await reload();
              } else setDrafts((current) => current.filter((id) => id !== draftId));
            }}
            isFirst={instances.length === 0}
          />
        )),
      ]}
      {!policy.lockInstances && (
        <div class="row">
          <button type="button" onClick={() => setDrafts((current) => [...current, crypto.randomUUID()])}>
            Add MISP instance
          </button>
        </div>
      )}
    </section>
  );
}

interface EditorProps {
  instance?: PublicInstance;
  /** How many editors are shown: with one, the group's controls need no instance name to be told apart. */
  count: number;
  isFirst?: boolean;
  onChanged(saved?: PublicInstance): void | Promise<void>;
}

function InstanceEditor({ instance, count, isFirst, onChanged }: EditorProps) {
  const [saved, setSaved] = useState<PublicInstance | undefined>(instance);
  const [name, setName] = useState(instance?.name ?? '');
  const [url, setUrl] = useState(instance?.url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [useForLookups, setUseForLookups] = useState(instance?.useForLookups ?? true);
  const [defaultForEvents, setDefaultForEvents] = useState(instance?.defaultForEvents ?? isFirst ?? false);
  const [test, setTest] = useState<TestState>({ state: 'idle' });
  const [saveMessage, setSaveMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [access, setAccess] = useState<'unknown' | 'granted' | 'missing'>('unknown');
  const timer = useRef<number | undefined>(undefined);
  const idPrefix = useRef(`instance-${Math.random().toString(36).slice(2, 8)}`).current;
  const locked = saved?.managed === true;

  const urlCheck = url.trim() ? checkMispUrl(url) : null;
  const keyTyped = apiKey.trim();
  const keyError =
    keyTyped && !isValidKeyShape(keyTyped)
      ? 'A MISP API key is 40 letters and digits (MISP → My profile → Auth keys).'
      : undefined;

  useEffect(() => {
    if (!urlCheck?.normalized) {
      setAccess('unknown');
      return;
    }
    const target = urlCheck.normalized;
    let live = true;
    const check = () =>
      void hasHostAccess(target).then((granted) => {
        if (live) setAccess(granted ? 'granted' : 'missing');
      });
    check();
    // Access can also be granted or taken back elsewhere (about:addons → Permissions).
    browser.permissions.onAdded.addListener(check);
    browser.permissions.onRemoved.addListener(check);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(check);
      browser.permissions.onRemoved.removeListener(check);
    };
  }, [urlCheck?.normalized]);

  useEffect(() => () => clearTimeout(timer.current), []);

  // Saves run one at a time, each with the id the previous one got: an autosave racing a click on
  // "Save" must not create the instance twice.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const savedId = useRef<string | undefined>(instance?.id);
  function save(patch: Partial<{ useForLookups: boolean; defaultForEvents: boolean }> = {}): Promise<void> {
    clearTimeout(timer.current);
    queue.current = queue.current.catch(() => undefined).then(() => saveNow(patch));
    return queue.current;
  }

  async function saveNow(patch: Partial<{ useForLookups: boolean; defaultForEvents: boolean }>) {
    const check = checkMispUrl(url);
    if (check.error) {
      setSaveMessage({ ok: false, text: `Not saved: ${check.error}` });
      return;
    }
    if (keyError) {
      setSaveMessage({ ok: false, text: `Not saved: ${keyError}` });
      return;
    }
    const result = await sendToBackground('instances/save', {
      instance: {
        id: savedId.current,
        name,
        url,
        apiKey: keyTyped || undefined,
        useForLookups: patch.useForLookups ?? useForLookups,
        defaultForEvents: patch.defaultForEvents ?? defaultForEvents,
      },
    });
    if (result.ok) {
      savedId.current = result.data.id;
      setSaved(result.data);
      setName(result.data.name);
      setUrl(result.data.url);
      setApiKey('');
      setSaveMessage({ ok: true, text: 'Saved.' });
      await onChanged(result.data);
    } else {
      setSaveMessage({ ok: false, text: result.error.message });
    }
  }

  /** Autosave: shortly after typing stops, when what is typed is valid. */
  function scheduleSave() {
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const check = checkMispUrl(url);
      if (!check.error && !keyError) void save();
    }, AUTOSAVE_DELAY_MS);
  }

  const edited = useRef(false);
  useEffect(() => {
    if (edited.current) scheduleSave();
  }, [name, url, apiKey]);

  async function onTest() {
    setTest({ state: 'testing' });
    // Without host access the browser blocks the request and MISP looks "unreachable": say why instead.
    if (urlCheck?.normalized && !urlCheck.error && !(await hasHostAccess(urlCheck.normalized))) {
      setAccess('missing');
      setTest({
        state: 'error',
        error: {
          kind: 'permission',
          message: `Sightline has no access to ${originOf(urlCheck.normalized)} yet: click “Grant access”, then test again.`,
        },
      });
      return;
    }
    const result = await sendToBackground('connection/test', {
      id: saved?.id,
      url,
      apiKey: keyTyped || undefined,
    });
    setTest(result.ok ? { state: 'ok', info: result.data } : { state: 'error', error: result.error });
  }

  async function onGrant() {
    if (!urlCheck?.normalized) return;
    try {
      await browser.permissions.request({ origins: [originPattern(urlCheck.normalized)] });
    } catch {
      // Refused or not available: the check below tells.
    }
    setAccess((await hasHostAccess(urlCheck.normalized)) ? 'granted' : 'missing');
  }

  async function onRemove() {
    if (!saved) {
      await onChanged();
      return;
    }
    const result = await sendToBackground('instances/remove', { id: saved.id });
    if (result.ok) await onChanged();
    else setSaveMessage({ ok: false, text: result.error.message });
  }

  const label = saved?.name || (url ? (urlCheck?.normalized ?? url) : 'New MISP instance');
  const keyHintText = saved?.keyFromPolicy
    ? 'Your organisation supplies the key.'
    : saved?.hasKey
      ? `Stored (${saved.keyHint}). Type a new key to replace it. The key stays in this browser's extension storage and is only sent to this MISP.`
      : "MISP → your profile → Auth keys. The key stays in this browser's extension storage and is only sent to this MISP.";

  return (
    <form
      class="card instance"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <fieldset
        aria-label={count > 1 ? `MISP instance ${label}` : 'MISP instance'}
        style={{ border: 'none', padding: 0, margin: 0 }}
      >
        <h3>
          {label}
          {locked ? ' 🔒' : ''}
        </h3>
        <label for={`${idPrefix}-name`}>Name</label>
        <input
          id={`${idPrefix}-name`}
          type="text"
          value={name}
          disabled={locked}
          aria-describedby={locked ? `${idPrefix}-url-hint` : undefined}
          placeholder="e.g. Team MISP"
          onInput={(e) => {
            edited.current = true;
            setName(e.currentTarget.value);
          }}
        />
        <label for={`${idPrefix}-url`}>MISP URL</label>
        <input
          id={`${idPrefix}-url`}
          type="url"
          value={url}
          disabled={locked}
          placeholder="https://misp.example.org"
          autocomplete="url"
          aria-describedby={`${idPrefix}-url-hint`}
          aria-invalid={urlCheck?.error ? 'true' : undefined}
          onInput={(e) => {
            edited.current = true;
            setUrl(e.currentTarget.value);
          }}
        />
        <p
          id={`${idPrefix}-url-hint`}
          class={urlCheck?.error ? 'hint status-error' : urlCheck?.warning ? 'hint status-warn' : 'hint'}
        >
          {locked
            ? '🔒 Locked by your organisation: its policy sets the name and address of this MISP.'
            : (urlCheck?.error ?? urlCheck?.warning ?? 'The address you open MISP at.')}
        </p>
        {access === 'missing' && urlCheck?.normalized && (
          <p class="row status-warn">
            <span id={`${idPrefix}-access`}>
              Access missing: Sightline has no access to {originOf(urlCheck.normalized)} yet, so lookups and
              “Test connection” cannot reach it. Your browser asks you once.
            </span>
            <button type="button" onClick={onGrant} aria-describedby={`${idPrefix}-access`}>
              Grant access
            </button>
          </p>
        )}
        {access === 'granted' && ACCESS_IS_OPTIONAL && urlCheck?.normalized && (
          <p class="hint status-ok">✓ Access granted: Sightline may reach {originOf(urlCheck.normalized)}.</p>
        )}
        <label for={`${idPrefix}-key`}>API key</label>
        <input
          id={`${idPrefix}-key`}
          type="text"
          class="secret"
          value={apiKey}
          autocomplete="off"
          spellcheck={false}
          disabled={saved?.keyFromPolicy === true}
          placeholder={
            saved?.keyFromPolicy
              ? 'Set by your organisation'
              : saved?.hasKey
                ? `Stored (${saved.keyHint}) — type to replace`
                : '40 characters'
          }
          aria-describedby={`${idPrefix}-key-hint`}
          aria-invalid={keyError ? 'true' : undefined}
          onInput={(e) => {
            edited.current = true;
            setApiKey(e.currentTarget.value);
          }}
        />
        <p id={`${idPrefix}-key-hint`} class={keyError ? 'hint status-error' : 'hint'}>
          {keyError ?? keyHintText}
        </p>
        <div class="row">
          <label style={{ display: 'inline', fontWeight: 400 }}>
            <input
              type="checkbox"
              checked={useForLookups}
              onChange={(e) => {
                setUseForLookups(e.currentTarget.checked);
                if (saved) void save({ useForLookups: e.currentTarget.checked });
              }}
            />{' '}
            Use for lookups
          </label>
          <label style={{ display: 'inline', fontWeight: 400 }}>
            <input
              type="checkbox"
              checked={defaultForEvents}
              onChange={(e) => {
                setDefaultForEvents(e.currentTarget.checked);
                if (saved) void save({ defaultForEvents: e.currentTarget.checked });
              }}
            />{' '}
            Default for new events
          </label>
        </div>
        <div class="row">
          <button type="button" onClick={onTest} disabled={test.state === 'testing'}>
            Test connection
          </button>
          <button type="submit" class="primary">
            Save
          </button>
          {!locked && (count > 1 || saved) && (
            <button type="button" onClick={onRemove}>
              Remove
            </button>
          )}
          {saveMessage && (
            <span class={saveMessage.ok ? 'status-ok' : 'status-error'} role="alert">
              {saveMessage.text}
            </span>
          )}
        </div>
        <ConnectionStatus test={test} />
      </fieldset>
    </form>
  );
}
