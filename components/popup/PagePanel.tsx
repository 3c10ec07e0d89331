import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { buildSubmission, readyToFile, selectedAttributes } from '../../lib/events/build';
import type { ClusterMatch } from '../../lib/events/clusters';
import { addExtras } from '../../lib/events/drafts';
import { type FormField, placeFieldErrors } from '../../lib/events/field-errors';
import { type Draft, type EventForm as Form, SHARING_GROUP_DISTRIBUTION } from '../../lib/events/model';
import { proposeObjects } from '../../lib/events/objects';
import { contentText, type PageContent, paragraphCount } from '../../lib/events/page-content';
import type { ValueStatus } from '../../lib/lookup/status';
import type { ResponseOf } from '../../lib/messages';
import { sendToBackground } from '../../lib/runtime';
import { ExistingEvent } from './ExistingEvent';
import { ExportBar } from './ExportBar';
import { IndicatorList, type ListedItem } from './IndicatorList';
import { InstanceGroups } from './InstanceGroups';
import { notScannedText, PageState } from './PageState';
import type { PopupTab } from './PopupApp';
import { EventForm } from './page/EventForm';
import type { Outcome } from './page/OutcomeView';
import { ScanText } from './page/ScanText';
import { useDraft } from './page/useDraft';
import { usePageContent } from './page/usePageContent';
import { usePageIndicators } from './page/usePageIndicators';
import { useSubmissions } from './page/useSubmissions';
import { PdfBar } from './pdf/PdfBar';
import { ScanFile } from './pdf/ScanFile';
import { usePdfTab } from './pdf/usePdfTab';
import { Submissions } from './Submissions';
import type { TagState } from './TagInput';
import './page-panel.css';

type Setup = Extract<ResponseOf<'events/setup'>, { ok: true }>['data'];

/** Pages with more paragraphs than this get "Attach page as event report" on by default. */
const REPORT_PARAGRAPHS = 3;
/** Page text sent to find the galaxy clusters it names. */
const MENTION_TEXT = 300_000;

/** The popup's "Page" panel: the tab's indicators, and filing them as a MISP event. */
export function PagePanel({ tab }: { tab: PopupTab }) {
  const { page, load } = usePageIndicators(tab);
  const tabRef = useMemo(
    () => (page ? { id: tab.id, url: page.url, title: page.title } : undefined),
    [tab.id, page?.url, page?.title],
  );
  const { draft, change, reset } = useDraft(tabRef);
  const { content, units, comments } = usePageContent(tab.id);
  const { submissions, refresh, retry, discard } = useSubmissions();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [tagStates, setTagStates] = useState<Record<string, TagState>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, string[]>>>({});
  const [attachReportFile, setAttachReportFile] = useState(false);

  // A PDF tab: the background reads it, then its indicators are the page's.
  const pdf = usePdfTab(tab, async () => {
    const read = await load();
    // The PDF's title replaces the viewer's as the default event info (unless the analyst typed one).
    change((old) =>
      old.form.info === tab.title.trim() ? { ...old, form: { ...old.form, info: read.title } } : old,
    );
  });
  const readablePdf = pdf.phase === 'read' && !pdf.problem;
  // "Attach report file": the PDF, or on a web page a saved copy of it (never for a PDF that cannot be read).
  const canAttachFile = readablePdf || (pdf.phase === 'none' && /^https?:/i.test(page?.url ?? ''));

  useEffect(() => {
    void load();
  }, [load]);

  // The form's instance (or the default): its permissions, tags, clusters and groups follow the choice.
  const chosenInstance = draft?.form.instanceId;
  useEffect(() => {
    void sendToBackground('events/setup', chosenInstance ? { instanceId: chosenInstance } : {}).then(
      (result) => result.ok && setSetup(result.data),
    );
  }, [chosenInstance]);
  const instanceId = setup?.instance?.id;

  const [extraStatuses, addExtraStatuses] = useExtraStatuses(draft);
  const mentioned = useMentionedClusters(content, instanceId);
  const sharingGroups = useSharingGroups(draft?.form.distribution === SHARING_GROUP_DISTRIBUTION, instanceId);

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

  const pageValues = useMemo(() => new Set(page?.items.map((item) => item.value)), [page]);
  const selection = useMemo(() => (draft ? selectedAttributes(draft, items) : []), [draft, items]);
  const objects = useMemo(() => proposeObjects(units, selection), [units, selection]);

  const canPublish = setup?.canPublish ?? false;
  const lookupInstances = page?.instances ?? [];
  const grouped = lookupInstances.length > 1;
  // Grouped by instance, each lookup instance's problem shows in its group rather than at the top.
  const topProblems = grouped ? [] : (page?.problems ?? []);
  const built = draft ? buildSubmission(draft, items, { canPublish, objects }) : undefined;
  const reportByDefault = content ? paragraphCount(content) > REPORT_PARAGRAPHS : false;

  const setForm = (patch: Partial<Form>) => change((old) => ({ ...old, form: { ...old.form, ...patch } }));
  // A value selected now gets its comment from where it stood on the page (editable as any comment).
  const select = (selected: Draft['selected']) =>
    change((old) => {
      const next = { ...selected };
      for (const [value, choice] of Object.entries(next)) {
        if (!old.selected[value] && choice.comment === '' && comments.has(value))
          next[value] = { ...choice, comment: comments.get(value) ?? '' };
      }
      return { ...old, selected: next };
    });

  const finish = async () => {
    setFieldErrors({});
    await reset();
    // The filed values are in MISP now: the list says so without reopening the popup.
    await Promise.all([refresh(), load()]);
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
      const attach = (draft.form.attachReport ?? reportByDefault) && content && page;
      const filed = {
        ...built.submission,
        ...(instanceId ? { instanceId } : {}),
        ...(attachReportFile && canAttachFile ? { attachReportFile: true } : {}),
      };
      const submission = readyToFile(filed, {
        uuid: () => crypto.randomUUID(),
        ...(attach
          ? { report: { content, page: { url: page.url, title: page.title, readAt: new Date() } } }
          : {}),
      });
      const result = await sendToBackground('events/create', submission);
      if (result.ok) {
        setOutcome({ kind: 'done', view: result.data });
        await finish();
      } else {
        const placed = placeFieldErrors(result.error.details);
        setFieldErrors(placed.fields);
        setOutcome({ kind: 'error', message: result.error.message, problems: placed.other });
      }
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
      <PdfBar state={pdf} tabId={tab.id} />
      {topProblems.map((problem) => (
        <p key={problem} class="status-error">
          {problem}
        </p>
      ))}
      <PageState page={page?.scan} tabId={tab.id} onChanged={load} />
      {grouped && <InstanceGroups items={items} instances={lookupInstances} />}
      {setup?.problem && <p class="status-error">{setup.problem}</p>}
      {draft && (
        <>
          <IndicatorList
            items={items}
            instances={lookupInstances}
            draft={draft}
            onChange={select}
            empty={page?.scan && notScannedText(page.scan) ? null : undefined}
            pasted={draft.extras.flatMap((extra) => (pageValues.has(extra.value) ? [] : [extra.value]))}
          />
          <ScanText pageValues={pageValues} onDraft={change} onStatuses={addExtraStatuses} />
          <ScanFile
            onFound={(found, name) =>
              // Filed like a page: the file's name is the event info, and there is no page link to add.
              change((old) => ({
                ...addExtras(old, found),
                form: { ...old.form, info: name, includeUrl: false },
              }))
            }
          />
          <EventForm
            form={draft.form}
            onForm={setForm}
            targets={setup?.instances ?? []}
            instanceId={instanceId}
            onInstance={(id) => {
              setTagStates({});
              setForm({ instanceId: id, clusters: [], sharingGroupId: undefined });
            }}
            canPublish={canPublish}
            canCreateTags={setup?.canCreateTags ?? false}
            tagStates={tagStates}
            onTagState={(name, state) => setTagStates((old) => ({ ...old, [name]: state }))}
            sharingGroups={sharingGroups}
            mentioned={mentioned}
            pageRead={content !== null}
            reportByDefault={reportByDefault}
            objects={objects}
            selected={selection.length}
            busy={busy}
            onCreate={(event) => void createEvent(event)}
            outcome={outcome}
            fieldErrors={fieldErrors}
            reportFile={
              canAttachFile ? { checked: attachReportFile, onChange: setAttachReportFile } : undefined
            }
          />
          <ExistingEvent tabId={tab.id} instanceId={instanceId} attributes={selection} onDone={finish} />
          <ExportBar attributes={selection} event={built?.ok ? built.submission : undefined} />
        </>
      )}
      <Submissions items={submissions} onRetry={retry} onDiscard={discard} />
    </section>
  );
}

/** Statuses for indicators that came from pasted text or a selection. */
function useExtraStatuses(draft: Draft | null) {
  const [statuses, setStatuses] = useState<Record<string, ValueStatus>>({});
  const extraKey = draft?.extras.map((extra) => extra.value).join('\n') ?? '';
  useEffect(() => {
    const missing = (draft?.extras ?? []).filter((extra) => !statuses[extra.value]);
    if (missing.length === 0) return;
    void sendToBackground('lookup/values', { indicators: missing }).then((result) => {
      if (result.ok) setStatuses((old) => ({ ...old, ...result.data.statuses }));
    });
  }, [extraKey]);
  const add = (more: Record<string, ValueStatus>) => setStatuses((old) => ({ ...old, ...more }));
  return [statuses, add] as const;
}

/** The galaxy clusters the page names ("Mentioned on this page"), asked once per page and instance. */
function useMentionedClusters(content: PageContent | null, instanceId: string | undefined) {
  const [mentioned, setMentioned] = useState<ClusterMatch[]>([]);
  useEffect(() => {
    if (!content || !instanceId) return;
    const text = contentText(content).slice(0, MENTION_TEXT);
    let live = true;
    void sendToBackground('events/clusters', { instanceId, search: '', mentionsIn: text }).then(
      (result) => live && result.ok && setMentioned(result.data.mentioned),
    );
    return () => {
      live = false;
    };
  }, [content, instanceId]);
  return mentioned;
}

/** The instance's sharing groups, asked when Distribution is "Sharing group". */
function useSharingGroups(wanted: boolean, instanceId: string | undefined) {
  const [groups, setGroups] = useState<Array<{ id: string; name: string }>>();
  useEffect(() => {
    if (!wanted) return;
    setGroups(undefined);
    void sendToBackground('events/sharing-groups', instanceId ? { instanceId } : {}).then((result) =>
      setGroups(result.ok ? result.data : []),
    );
  }, [wanted, instanceId]);
  return groups;
}
