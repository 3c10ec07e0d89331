import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { buildSubmission, selectedAttributes } from '../../lib/events/build';
import { addExtras, clearDraft, draftFor, indicatorsInText, saveDraft } from '../../lib/events/drafts';
import {
  ANALYSIS_LEVELS,
  DISTRIBUTIONS,
  type Draft,
  type EventForm,
  emptyDraft,
  type SubmissionView,
  THREAT_LEVELS,
} from '../../lib/events/model';
import { PAP_CHOICES, TLP_CHOICES } from '../../lib/events/taxonomies';
import type { LookupInstanceView } from '../../lib/lookup/by-instance';
import { withDerivedRows } from '../../lib/lookup/derived-rows';
import type { ValueStatus } from '../../lib/lookup/status';
import type { ResponseOf } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';
import { ExistingEvent } from './ExistingEvent';
import { ExportBar } from './ExportBar';
import { IndicatorList, type ListedItem } from './IndicatorList';
import { InstanceGroups } from './InstanceGroups';
import type { PopupTab } from './PopupApp';
import { Submissions } from './Submissions';
import { TagInput, type TagState } from './TagInput';
import './page-panel.css';

type Setup = Extract<ResponseOf<'events/setup'>, { ok: true }>['data'];
type Outcome =
  | { kind: 'error'; message: string; problems?: string[] }
  | { kind: 'done'; view: SubmissionView };

/** The popup's "Page" panel: the tab's indicators, and filing them as a MISP event. */
export function PagePanel({ tab }: { tab: PopupTab }) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [page, setPage] = useState<{
    url: string;
    title: string;
    items: ListedItem[];
    problems: string[];
    instances: LookupInstanceView[];
  }>();
  const [draft, setDraftState] = useState<Draft | null>(null);
  const [extraStatuses, setExtraStatuses] = useState<Record<string, ValueStatus>>({});
  const [tagStates, setTagStates] = useState<Record<string, TagState>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [submissions, setSubmissions] = useState<SubmissionView[]>([]);
  const [scanText, setScanText] = useState('');

  const refreshSubmissions = useCallback(async () => {
    const result = await sendToBackground('events/submissions', {});
    if (result.ok) setSubmissions(result.data);
  }, []);

  // The form's instance (or the default): its permissions and tags follow the choice.
  const chosenInstance = draft?.form.instanceId;
  useEffect(() => {
    void sendToBackground('events/setup', chosenInstance ? { instanceId: chosenInstance } : {}).then(
      (result) => result.ok && setSetup(result.data),
    );
  }, [chosenInstance]);

  const loadPage = useCallback(async () => {
    const result = await sendToBackground('tab/indicators', { tabId: tab.id });
    const url = result.ok && result.data.url ? result.data.url : tab.url;
    const title = result.ok && result.data.title ? result.data.title : tab.title;
    setPage({
      url,
      title,
      items: result.ok ? withDerivedRows(result.data.indicators) : [],
      problems: result.ok ? result.data.problems : [result.error.message],
      instances: result.ok ? (result.data.instances ?? []) : [],
    });
    return { url, title };
  }, [tab.id]);

  useEffect(() => {
    void loadPage().then(async (page) => setDraftState(await draftFor({ id: tab.id, ...page })));
    void refreshSubmissions();
  }, [tab.id]);

  // While lookups are still coming (checking, or failed and asked again), follow them.
  const waiting = page?.items.some((item) => item.status.status === 'pending' || item.status.retry) ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void loadPage(), 2000);
    return () => clearInterval(timer);
  }, [waiting, loadPage]);

  // While something is queued or being sent, follow it.
  const pending = submissions.some((item) => item.state === 'queued' || item.state === 'sending');
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void refreshSubmissions(), 2000);
    return () => clearInterval(timer);
  }, [pending]);

  // Statuses for indicators that came from pasted text or a selection.
  const extraKey = draft?.extras.map((extra) => extra.value).join('\n') ?? '';
  useEffect(() => {
    if (!draft || draft.extras.length === 0) return;
    const missing = draft.extras.filter((extra) => !extraStatuses[extra.value]);
    if (missing.length === 0) return;
    void sendToBackground('lookup/values', { indicators: missing }).then((result) => {
      if (result.ok) setExtraStatuses((old) => ({ ...old, ...result.data.statuses }));
    });
  }, [extraKey]);

  const setDraft = (next: Draft) => {
    setDraftState(next);
    void saveDraft(next);
  };
  const setForm = (patch: Partial<EventForm>) =>
    draft && setDraft({ ...draft, form: { ...draft.form, ...patch } });

  const items = useMemo<ListedItem[]>(() => {
    const list = [...(page?.items ?? [])];
    const seen = new Set(list.map((item) => item.value));
    for (const extra of draft?.extras ?? []) {
      if (seen.has(extra.value)) continue;
      seen.add(extra.value);
      list.push({ ...extra, status: extraStatuses[extra.value] ?? { status: 'pending' } });
    }
    return list;
  }, [page, draft?.extras, extraStatuses]);

  const canPublish = setup?.canPublish ?? false;
  const lookupInstances = page?.instances ?? [];
  const grouped = lookupInstances.length > 1;
  // Grouped by instance, each lookup instance's problem shows in its group rather than at the top.
  const topProblems = grouped ? [] : (page?.problems ?? []);
  const fileTargets = setup?.instances ?? [];
  const instanceId = setup?.instance?.id;
  const built = draft ? buildSubmission(draft, items, { canPublish }) : undefined;
  const selection = draft ? selectedAttributes(draft, items) : [];
  const unknownTags = draft ? draft.form.tags.filter((tag) => tagStates[tag] === 'unknown') : [];

  const finish = async (view: SubmissionView) => {
    setOutcome({ kind: 'done', view });
    // Accepted (sent, or safe in the outbox): the draft is done; the next one gets a new key.
    await clearDraft(tab.id);
    if (page)
      setDraftState(emptyDraft({ id: tab.id, url: page.url, title: page.title }, crypto.randomUUID()));
    await refreshSubmissions();
  };

  const createEvent = async (event: MouseEvent) => {
    if (!event.isTrusted || !draft || busy) return;
    if (!built?.ok) {
      setOutcome({ kind: 'error', message: 'The event cannot be created yet.', problems: built?.problems });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      // Filed where the form says: the instance shown in "MISP instance" (the default when none is chosen).
      const submission = instanceId ? { ...built.submission, instanceId } : built.submission;
      const result = await sendToBackground('events/create', submission);
      if (result.ok) await finish(result.data);
      else setOutcome({ kind: 'error', message: result.error.message });
    } finally {
      setBusy(false);
    }
  };

  if (setup && !setup.instance) {
    return (
      <section aria-label="Page">
        <p>
          Sightline is not connected to a MISP yet.{' '}
          <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
            Open the options
          </a>{' '}
          to add one.
        </p>
      </section>
    );
  }

  return (
    <section aria-label="Page" class="sl-page">
      <p class="hint sl-page-title">{page?.title || tab.title || tab.url}</p>
      {topProblems.map((problem) => (
        <p key={problem} class="status-error">
          {problem}
        </p>
      ))}
      {grouped && <InstanceGroups items={items} instances={lookupInstances} />}
      {setup?.problem && <p class="status-error">{setup.problem}</p>}
      {draft && (
        <>
          <IndicatorList
            items={items}
            instances={lookupInstances}
            draft={draft}
            onChange={(selected) => setDraft({ ...draft, selected })}
          />
          <details class="sl-scan">
            <summary>Scan text</summary>
            <textarea
              aria-label="Scan text"
              rows={3}
              value={scanText}
              placeholder="Paste text with indicators"
              onInput={(event) => setScanText(event.currentTarget.value)}
            />
            <button
              type="button"
              onClick={() => {
                const found = indicatorsInText(scanText);
                if (found.length > 0) setDraft(addExtras(draft, found));
                setScanText('');
              }}
            >
              Add indicators from text
            </button>
          </details>

          <section aria-labelledby="event-heading" class="sl-form">
            <h2 id="event-heading">New event</h2>
            {fileTargets.length > 1 && (
              <>
                <label for="event-instance">MISP instance</label>
                <select
                  id="event-instance"
                  value={instanceId ?? ''}
                  onChange={(event) => {
                    setTagStates({});
                    setForm({ instanceId: event.currentTarget.value });
                  }}
                >
                  {fileTargets.map((target) => (
                    <option key={target.id} value={target.id}>
                      {target.name}
                    </option>
                  ))}
                </select>
              </>
            )}
            <label for="event-info">Event info</label>
            <input
              id="event-info"
              type="text"
              value={draft.form.info}
              onInput={(event) => setForm({ info: event.currentTarget.value })}
            />
            <div class="sl-grid">
              <div>
                <label for="event-date">Date</label>
                <input
                  id="event-date"
                  type="date"
                  value={draft.form.date}
                  onInput={(event) =>
                    event.currentTarget.value && setForm({ date: event.currentTarget.value })
                  }
                />
              </div>
              <Choice
                id="event-distribution"
                label="Distribution"
                value={draft.form.distribution}
                options={DISTRIBUTIONS}
                onChange={(distribution) => setForm({ distribution })}
              />
              <Choice
                id="event-threat"
                label="Threat level"
                value={draft.form.threatLevel}
                options={THREAT_LEVELS}
                onChange={(threatLevel) => setForm({ threatLevel })}
              />
              <Choice
                id="event-analysis"
                label="Analysis"
                value={draft.form.analysis}
                options={ANALYSIS_LEVELS}
                onChange={(analysis) => setForm({ analysis })}
              />
              <div>
                <label for="event-tlp">TLP</label>
                <select
                  id="event-tlp"
                  value={draft.form.tlp}
                  onChange={(event) => setForm({ tlp: event.currentTarget.value })}
                >
                  <option value="">None</option>
                  {TLP_CHOICES.map((choice) => (
                    <option key={choice.value} value={choice.value} title={choice.description}>
                      {choice.tag}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label for="event-pap">PAP</label>
                <select
                  id="event-pap"
                  value={draft.form.pap}
                  onChange={(event) => setForm({ pap: event.currentTarget.value })}
                >
                  <option value="">None</option>
                  {PAP_CHOICES.map((choice) => (
                    <option key={choice.value} value={choice.value} title={choice.description}>
                      {choice.tag}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <TagInput
              instanceId={instanceId}
              tags={draft.form.tags}
              onChange={(tags) => setForm({ tags })}
              states={tagStates}
              onState={(name, state) => setTagStates((old) => ({ ...old, [name]: state }))}
            />
            {unknownTags.length > 0 && (
              <p role="alert" class="status-warn">
                {`Not on the server: ${unknownTags.join(', ')}. `}
                {setup?.canCreateTags
                  ? 'MISP will create it as a new tag (check the spelling: tags are case-sensitive).'
                  : 'Your MISP role may not create tags: MISP will silently drop it.'}
              </p>
            )}
            <label class="sl-inline">
              <input
                type="checkbox"
                checked={draft.form.includeUrl}
                onChange={(event) => setForm({ includeUrl: event.currentTarget.checked })}
              />{' '}
              Include page URL
            </label>
            {canPublish && (
              <label class="sl-inline">
                <input
                  type="checkbox"
                  checked={draft.form.publish}
                  onChange={(event) => setForm({ publish: event.currentTarget.checked })}
                />{' '}
                Publish
              </label>
            )}
            {setup?.canAdd === false && <p class="status-warn">{setup.addRefusal}</p>}
            <div class="row">
              {/* A key whose role may not add (read only) gets no button that MISP would refuse. */}
              {setup?.canAdd !== false && (
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={(event) => void createEvent(event)}
                >
                  Create event
                </button>
              )}
              <span class="hint">
                {selection.length} indicator{selection.length === 1 ? '' : 's'} selected
              </span>
            </div>
            <OutcomeView outcome={outcome} />
          </section>

          {setup?.canAdd !== false && (
            <ExistingEvent
              tabId={tab.id}
              instanceId={instanceId}
              attributes={selection}
              onDone={async () => {
                await clearDraft(tab.id);
                if (page)
                  setDraftState(
                    emptyDraft({ id: tab.id, url: page.url, title: page.title }, crypto.randomUUID()),
                  );
                await refreshSubmissions();
              }}
            />
          )}
          <ExportBar attributes={selection} event={built?.ok ? built.submission : undefined} />
        </>
      )}
      <Submissions
        items={submissions}
        onRetry={(id) => void sendToBackground('events/retry', { id }).then(refreshSubmissions)}
        onDiscard={(id) => void sendToBackground('events/discard', { id }).then(refreshSubmissions)}
      />
    </section>
  );
}

function Choice<T extends number>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: ReadonlyArray<{ id: T; label: string }>;
  onChange: (value: T) => void;
}) {
  const ref = useRef<HTMLSelectElement>(null);
  return (
    <div>
      <label for={id}>{label}</label>
      <select
        id={id}
        ref={ref}
        value={String(value)}
        onChange={(event) => {
          const picked = options.find((option) => String(option.id) === event.currentTarget.value);
          if (picked) onChange(picked.id);
        }}
      >
        {options.map((option) => (
          <option key={option.id} value={String(option.id)}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome | null }) {
  if (!outcome) return <div role="status" />;
  if (outcome.kind === 'error') {
    return (
      <div role="alert" class="status-error">
        <p>{outcome.message}</p>
        {outcome.problems && (
          <ul>
            {outcome.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  const { view } = outcome;
  if (view.state !== 'sent') {
    return (
      <div role="status" class="status-warn">
        <p>
          {`Queued: ${view.lastError ?? 'MISP did not answer'}. Sightline keeps the submission and retries it; see "Submissions".`}
        </p>
      </div>
    );
  }
  const filed = view.event;
  return (
    <div role="status" class="status-ok">
      <p>
        {filed?.alreadyExisted
          ? 'The event was already in MISP (an earlier attempt filed it).'
          : 'Event created.'}{' '}
        {filed && (
          <a href={filed.url} target="_blank" rel="noreferrer">
            Open event in MISP
          </a>
        )}
      </p>
      {filed && filed.dropped.length > 0 && (
        <div class="status-warn">
          <p>{`MISP dropped ${filed.dropped.length} attribute${filed.dropped.length === 1 ? '' : 's'}:`}</p>
          <ul aria-label="Dropped attributes">
            {filed.dropped.map((item) => (
              <li key={`${item.type}:${item.value}`}>{`${item.value} (${item.type}): ${item.reason}`}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
