import { useRef } from 'preact/hooks';
import type { PublicInstance } from '../../../lib/messages';
import { ConnectionStatus } from '../ConnectionStatus';
import { InstanceConfirm } from './InstanceConfirm';
import { accessIsOptional, useHostAccess } from './useHostAccess';
import { type InstanceForm, originOf, useInstanceForm } from './useInstanceForm';

export interface EditorProps {
  instance?: PublicInstance;
  /** How many editors are shown: with one, the group's controls need no instance name to be told apart. */
  count: number;
  isFirst?: boolean;
  onSaved(saved: PublicInstance): void | Promise<void>;
  onRemove(saved: PublicInstance | undefined): void | Promise<void>;
}

const ACCESS_IS_OPTIONAL = accessIsOptional();

/** One MISP instance's editor: name, URL, key, toggles, its questions and the connection test. */
export function InstanceEditor({ instance, count, isFirst, onSaved, onRemove }: EditorProps) {
  const form = useInstanceForm({ instance, isFirst, onSaved, onRemove });
  const { access, setAccess, grant } = useHostAccess(form.urlCheck?.normalized);
  const idPrefix = useRef(`instance-${Math.random().toString(36).slice(2, 8)}`).current;
  const { saved, urlCheck } = form;
  const locked = saved?.managed === true;
  const label = saved?.name || (form.url ? (urlCheck?.normalized ?? form.url) : 'New MISP instance');

  return (
    <form
      class="card instance"
      onSubmit={(event) => {
        event.preventDefault();
        void form.submit();
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
          value={form.name}
          disabled={locked}
          aria-describedby={locked ? `${idPrefix}-url-hint` : undefined}
          placeholder="e.g. Team MISP"
          onInput={(e) => form.setName(e.currentTarget.value)}
        />
        <UrlField form={form} idPrefix={idPrefix} locked={locked} />
        {access === 'missing' && urlCheck?.normalized && (
          <p class="row status-warn">
            <span id={`${idPrefix}-access`}>
              Access missing: Sightline has no access to {originOf(urlCheck.normalized)} yet, so lookups and
              “Test connection” cannot reach it. Your browser asks you once.
            </span>
            <button type="button" onClick={grant} aria-describedby={`${idPrefix}-access`}>
              Grant access
            </button>
          </p>
        )}
        {access === 'granted' && ACCESS_IS_OPTIONAL && urlCheck?.normalized && (
          <p class="hint status-ok">✓ Access granted: Sightline may reach {originOf(urlCheck.normalized)}.</p>
        )}
        <KeyField form={form} idPrefix={idPrefix} />
        <div class="row">
          <label style={{ display: 'inline', fontWeight: 400 }}>
            <input
              type="checkbox"
              checked={form.useForLookups}
              onChange={(e) => form.toggleLookups(e.currentTarget.checked)}
            />{' '}
            Use for lookups
          </label>
          <label style={{ display: 'inline', fontWeight: 400 }}>
            <input
              type="checkbox"
              checked={form.defaultForEvents}
              onChange={(e) => form.toggleDefault(e.currentTarget.checked)}
            />{' '}
            Default for new events
          </label>
        </div>
        <div class="row">
          <button
            type="button"
            onClick={() => void form.runTest(() => setAccess('missing'))}
            disabled={form.test.state === 'testing'}
          >
            Test connection
          </button>
          <button type="submit" class="primary">
            Save
          </button>
          {!locked && (count > 1 || saved) && (
            <button type="button" onClick={form.requestRemove}>
              Remove
            </button>
          )}
          {form.saveMessage && (
            <span class={form.saveMessage.ok ? 'status-ok' : 'status-error'} role="alert">
              {form.saveMessage.text}
            </span>
          )}
        </div>
        <PendingQuestion form={form} name={label} />
        <ConnectionStatus test={form.test} />
      </fieldset>
    </form>
  );
}

function UrlField({ form, idPrefix, locked }: { form: InstanceForm; idPrefix: string; locked: boolean }) {
  const { urlCheck } = form;
  return (
    <>
      <label for={`${idPrefix}-url`}>MISP URL</label>
      <input
        id={`${idPrefix}-url`}
        type="url"
        value={form.url}
        disabled={locked}
        placeholder="https://misp.example.org"
        autocomplete="url"
        aria-describedby={`${idPrefix}-url-hint`}
        aria-invalid={urlCheck?.error ? 'true' : undefined}
        onInput={(e) => form.setUrl(e.currentTarget.value)}
      />
      <p
        id={`${idPrefix}-url-hint`}
        class={urlCheck?.error ? 'hint status-error' : urlCheck?.warning ? 'hint status-warn' : 'hint'}
      >
        {locked
          ? '🔒 Locked by your organisation: its policy sets the name and address of this MISP.'
          : (urlCheck?.error ?? urlCheck?.warning ?? 'The address you open MISP at.')}
      </p>
    </>
  );
}

function KeyField({ form, idPrefix }: { form: InstanceForm; idPrefix: string }) {
  const { saved, keyError, keyElsewhere, origin } = form;
  const hint = saved?.keyFromPolicy
    ? 'Your organisation supplies the key.'
    : keyElsewhere
      ? `The stored key belongs to ${keyElsewhere} and is not sent to ${origin}: type the API key for ${origin}, or click Save to choose.`
      : saved?.hasKey
        ? `Stored (${saved.keyHint}) for ${saved.keyOrigin ?? 'this MISP'}. Type a new key to replace it. Only Sightline's background can read the key, and it is only sent to this address.`
        : "MISP → your profile → Auth keys. Only Sightline's background can read the key, and it is only sent to this MISP.";
  return (
    <>
      <label for={`${idPrefix}-key`}>API key</label>
      <input
        id={`${idPrefix}-key`}
        type="text"
        class="secret"
        value={form.apiKey}
        autocomplete="off"
        spellcheck={false}
        disabled={saved?.keyFromPolicy === true}
        placeholder={
          saved?.keyFromPolicy
            ? 'Set by your organisation'
            : saved?.hasKey && !keyElsewhere
              ? `Stored (${saved.keyHint}) — type to replace`
              : '40 characters'
        }
        aria-describedby={`${idPrefix}-key-hint`}
        aria-invalid={keyError ? 'true' : undefined}
        onInput={(e) => form.setApiKey(e.currentTarget.value)}
      />
      <p
        id={`${idPrefix}-key-hint`}
        class={keyError ? 'hint status-error' : keyElsewhere ? 'hint status-warn' : 'hint'}
      >
        {keyError ?? hint}
      </p>
    </>
  );
}

function PendingQuestion({ form, name }: { form: InstanceForm; name: string }) {
  const { pending } = form;
  if (!pending) return null;
  if (pending.kind === 'key-origin') {
    return (
      <InstanceConfirm
        question={`Use the stored key for ${pending.origin}? It was entered for ${pending.keyOrigin}.`}
        choices={[
          { label: 'Clear the key', onChoose: () => void form.clearStoredKey() },
          { label: 'Use the stored key', onChoose: () => void form.useStoredKey(pending.origin) },
          { label: 'Cancel', onChoose: form.cancel },
        ]}
      />
    );
  }
  if (pending.kind === 'insecure') {
    return (
      <InstanceConfirm
        question={`Send your API key unencrypted to ${pending.url}? Anyone on the network between can read it.`}
        choices={[
          { label: 'Cancel', onChoose: form.cancel },
          { label: 'Send it unencrypted', onChoose: () => void form.allowInsecure() },
        ]}
      />
    );
  }
  return (
    <InstanceConfirm
      question={`Remove ${name} and its stored key?`}
      choices={[
        { label: 'Cancel', onChoose: form.cancel },
        { label: 'Yes, remove', primary: true, onChoose: form.confirmRemove },
      ]}
    />
  );
}
