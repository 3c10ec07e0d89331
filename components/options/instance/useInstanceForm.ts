import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionInfo, ErrorInfo, PublicInstance } from '../../../lib/messages';
import { sendToBackground } from '../../../lib/runtime';
import { keyShapeError } from '../../../lib/settings';
import { checkMispUrl, type MispUrlCheck, mispOrigin } from '../../../lib/url';
import { hasHostAccess } from './useHostAccess';

export type TestState =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'ok'; info: ConnectionInfo }
  | { state: 'error'; error: ErrorInfo };

/** A question the editor asks before it saves or removes anything. */
export type Pending =
  | { kind: 'key-origin'; origin: string; keyOrigin: string }
  | { kind: 'insecure'; url: string }
  | { kind: 'remove' };

type Toggles = Partial<{ useForLookups: boolean; defaultForEvents: boolean }>;

interface SaveHow {
  /** "Save" (asks the open questions) rather than autosave (waits instead). */
  explicit: boolean;
  /** "Use the stored key for <origin>". */
  keyFor?: string;
  /** "Clear the key": save the new origin without the stored key. */
  clearKey?: boolean;
  /** "Send it unencrypted". */
  allowInsecure?: boolean;
}

export const AUTOSAVE_DELAY_MS = 600;

/** `https://misp.example.org:8443`: what the analyst recognises of a MISP URL. */
export function originOf(url: string): string {
  return mispOrigin(url) ?? url;
}

export interface InstanceFormOptions {
  instance?: PublicInstance | undefined;
  isFirst?: boolean | undefined;
  onSaved(saved: PublicInstance): void | Promise<void>;
  /** The analyst confirmed removal (or discarded an unsaved editor). */
  onRemove(saved: PublicInstance | undefined): void | Promise<void>;
}

/**
 * One instance editor's state and rules: what is typed, what it would do to the stored key, the
 * questions to ask first, autosave, "Save", "Test connection" and "Remove". The stored key is never
 * offered to an origin other than its own without the analyst's "Use the stored key", a key of the
 * wrong shape is never sent, and nothing is sent for an editor whose instance was removed.
 */
export function useInstanceForm({ instance, isFirst, onSaved, onRemove }: InstanceFormOptions) {
  const [saved, setSaved] = useState<PublicInstance | undefined>(instance);
  const [name, setName] = useState(instance?.name ?? '');
  const [url, setUrl] = useState(instance?.url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [useForLookups, setUseForLookups] = useState(instance?.useForLookups ?? true);
  const [defaultForEvents, setDefaultForEvents] = useState(instance?.defaultForEvents ?? isFirst ?? false);
  const [test, setTest] = useState<TestState>({ state: 'idle' });
  const [saveMessage, setSaveMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const edited = useRef(false);
  const removed = useRef(false);

  const urlCheck: MispUrlCheck | null = url.trim() ? checkMispUrl(url) : null;
  const keyTyped = apiKey.trim();
  const keyError = keyShapeError(keyTyped);
  const origin = urlCheck?.normalized ? originOf(urlCheck.normalized) : undefined;
  /** The stored key belongs to another origin than the one now typed (and no new key is typed). */
  const keyElsewhere =
    saved?.hasKey && !saved.keyFromPolicy && !keyTyped && origin && saved.keyOrigin !== origin
      ? saved.keyOrigin
      : undefined;

  useEffect(() => () => clearTimeout(timer.current), []);

  // Saves run one at a time, each with the id the previous one got: an autosave racing a click on
  // "Save" must not create the instance twice.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const savedId = useRef<string | undefined>(instance?.id);

  function save(how: SaveHow, patch: Toggles = {}): Promise<void> {
    clearTimeout(timer.current);
    queue.current = queue.current.catch(() => undefined).then(() => saveNow(how, patch));
    return queue.current;
  }

  async function saveNow(how: SaveHow, patch: Toggles) {
    if (removed.current) return;
    const check = checkMispUrl(url);
    if (check.error || !check.normalized) {
      setSaveMessage({ ok: false, text: `Not saved: ${check.error ?? 'Not a URL'}` });
      return;
    }
    if (keyError) {
      setSaveMessage({ ok: false, text: `Not saved: ${keyError}` });
      return;
    }
    const target = originOf(check.normalized);
    if (keyElsewhere && how.keyFor !== target && !how.clearKey) {
      // Autosave waits; "Save" asks what to do with the stored key.
      if (how.explicit) setPending({ kind: 'key-origin', origin: target, keyOrigin: keyElsewhere });
      return;
    }
    const sendsKey =
      Boolean(keyTyped) ||
      (saved?.hasKey === true && !keyElsewhere) ||
      (how.keyFor === target && !how.clearKey);
    if (check.warning && sendsKey && !how.allowInsecure && !saved?.managed) {
      if (how.explicit) setPending({ kind: 'insecure', url: check.normalized });
      return;
    }
    setPending(null);
    const result = await sendToBackground('instances/save', {
      instance: {
        id: savedId.current,
        name,
        url,
        apiKey: keyTyped || undefined,
        useForLookups: patch.useForLookups ?? useForLookups,
        defaultForEvents: patch.defaultForEvents ?? defaultForEvents,
        ...(how.keyFor ? { keyFor: how.keyFor } : {}),
        ...(how.allowInsecure ? { allowInsecure: true } : {}),
        ...(savedId.current ? { mustExist: true } : {}),
      },
    });
    if (removed.current) return;
    if (result.ok) {
      const hadKey = saved?.hasKey === true;
      savedId.current = result.data.id;
      setSaved(result.data);
      setName(result.data.name);
      setUrl(result.data.url);
      setApiKey('');
      setSaveMessage({
        ok: true,
        text:
          hadKey && !result.data.hasKey
            ? `Saved. The stored key was cleared: type the API key for ${originOf(result.data.url)}.`
            : 'Saved.',
      });
      await onSaved(result.data);
    } else {
      setSaveMessage({ ok: false, text: result.error.message });
    }
  }

  /** Autosave: shortly after typing stops, when what is typed is valid and asks no question. */
  function scheduleSave() {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!checkMispUrl(url).error && !keyError) void save({ explicit: false });
    }, AUTOSAVE_DELAY_MS);
  }

  useEffect(() => {
    if (edited.current) {
      // An edit answers an open question differently: ask again on the next "Save".
      setPending((current) => (current?.kind === 'remove' ? current : null));
      scheduleSave();
    }
  }, [name, url, apiKey]);

  function edit(setter: (value: string) => void) {
    return (value: string) => {
      edited.current = true;
      setter(value);
    };
  }

  async function runTest(onNoAccess: () => void) {
    if (keyError) {
      setTest({ state: 'error', error: { kind: 'input', message: keyError } });
      return;
    }
    if (urlCheck?.error) {
      setTest({ state: 'error', error: { kind: 'input', message: urlCheck.error } });
      return;
    }
    if (keyElsewhere && origin) {
      setTest({
        state: 'error',
        error: {
          kind: 'input',
          message: `The stored key belongs to ${keyElsewhere}: type the API key for ${origin}.`,
        },
      });
      return;
    }
    setTest({ state: 'testing' });
    // Without host access the browser blocks the request and MISP looks "unreachable": say why instead.
    if (urlCheck?.normalized && !(await hasHostAccess(urlCheck.normalized))) {
      onNoAccess();
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

  function requestRemove() {
    if (!saved) {
      removed.current = true;
      void onRemove(undefined);
      return;
    }
    setPending({ kind: 'remove' });
  }

  function confirmRemove() {
    // From here on this editor sends nothing: its instance is gone, and its "Save" must not bring it back.
    removed.current = true;
    clearTimeout(timer.current);
    setPending(null);
    void onRemove(saved);
  }

  return {
    saved,
    name,
    url,
    apiKey,
    useForLookups,
    defaultForEvents,
    test,
    saveMessage,
    pending,
    urlCheck,
    keyError,
    keyElsewhere,
    origin,
    setName: edit(setName),
    setUrl: edit(setUrl),
    setApiKey: edit(setApiKey),
    toggleLookups(checked: boolean) {
      setUseForLookups(checked);
      if (saved) void save({ explicit: false }, { useForLookups: checked });
    },
    toggleDefault(checked: boolean) {
      setDefaultForEvents(checked);
      if (saved) void save({ explicit: false }, { defaultForEvents: checked });
    },
    submit: () => save({ explicit: true }),
    /** Answers to the open question. */
    useStoredKey: (target: string) => save({ explicit: true, keyFor: target }),
    // Saved without `keyFor`, the background clears a key that belongs to another origin.
    clearStoredKey: () => save({ explicit: true, clearKey: true }),
    allowInsecure: () => save({ explicit: true, allowInsecure: true }),
    cancel: () => setPending(null),
    runTest,
    requestRemove,
    confirmRemove,
  };
}

export type InstanceForm = ReturnType<typeof useInstanceForm>;
