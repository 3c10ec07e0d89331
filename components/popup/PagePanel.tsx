import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { buildSubmission, groupedSelection, readyToFile, selectedAttributes } from '../../lib/events/build';
import { addExtras } from '../../lib/events/drafts';
import { type FormField, placeFieldErrors } from '../../lib/events/field-errors';
import {
  type AttributeInput,
  type Draft,
  type EventForm as Form,
  type ObjectInput,
  SHARING_GROUP_DISTRIBUTION,
} from '../../lib/events/model';
import { proposeObjects } from '../../lib/events/objects';
import { paragraphCount } from '../../lib/events/page-content';
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
import { useExtraStatuses, useMentionedClusters, useSharingGroups } from './page/useFormSources';
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
  const pdf = usePdfTab(tab, load);
  const readablePdf = pdf.phase === 'read' && !pdf.problem;
  // "Attach report file": the PDF, or on a web page a saved copy of it (never for a PDF that cannot be read).
  const canAttachFile = readablePdf || (pdf.phase === 'none' && /^https?:/i.test(page?.url ?? ''));

  useEffect(() => {
    void load();
  }, [load]);

  // The PDF's title replaces the viewer's as the default event info (unless the analyst typed one).
  const pdfTitle = readablePdf ? page?.title : undefined;
  const draftInfo = draft?.form.info;
  useEffect(() => {
    if (pdfTitle && draftInfo === tab.title.trim() && pdfTitle !== draftInfo)
      change((old) =>
        old.form.info === tab.title.trim() ? { ...old, form: { ...old.form, info: pdfTitle } } : old,
      );
  }, [pdfTitle, draftInfo]);

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

  const reportWanted = draft ? (draft.form.attachReport ?? reportByDefault) : false;
  /** Client uuids for what is filed, and the page as a report referencing them (when asked for). */
  const withExtras = <T extends { attributes: AttributeInput[]; objects?: ObjectInput[] }>(
    payload: T,
    name: string,
  ) =>
    readyToFile(payload, {
      uuid: () => crypto.randomUUID(),
      ...(reportWanted && content && page
        ? { report: { name, content, page: { url: page.url, title: page.title, readAt: new Date() } } }
        : {}),
    });
  /** "Add to existing event" gets the same report, clusters, objects and comments as a new event. */
  const existingExtras = () => {
    if (!draft) return { attributes: selection };
    const ready = withExtras(
      groupedSelection(draft, selection, objects),
      draft.form.info || page?.title || '',
    );
    const clusters = draft.form.clusters.flatMap((cluster) =>
      cluster.id ? [{ ...cluster, id: cluster.id }] : [],
    );
    return { ...ready, ...(clusters.length > 0 ? { clusters } : {}) };
  };
  const extrasSummary = draft
    ? [
        reportWanted && content ? 'the page as event report' : '',
        draft.form.clusters.length > 0 ? `${draft.form.clusters.length} galaxy cluster(s)` : '',
        draft.form.groupObjects && objects.length > draft.form.ungrouped.length ? 'objects' : '',
      ].filter(Boolean)
    : [];

  const createEvent = async (event: MouseEvent) => {
    if (!event.isTrusted || !draft || busy) return;
    if (!built?.ok) {
      setOutcome({ kind: 'error', message: 'The event cannot be created yet.', problems: built?.problems });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const submission = withExtras(
        {
          ...built.submission,
          ...(instanceId ? { instanceId } : {}),
          ...(attachReportFile && canAttachFile ? { attachReportFile: true } : {}),
        },
        built.submission.info,
      );
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
      {/* A PDF tab is read by the background, not scanned by a content script: no "Scan this page". */}
      {pdf.phase === 'none' && <PageState page={page?.scan} tabId={tab.id} onChanged={load} />}
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
            addRefusal={
              setup?.canAdd === false
                ? (setup.addRefusal ?? 'Your MISP key may not create events.')
                : undefined
            }
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
          {setup?.canAdd !== false && (
            <ExistingEvent
              tabId={tab.id}
              instanceId={instanceId}
              attributes={selection}
              prepare={existingExtras}
              extras={extrasSummary}
              onDone={finish}
            />
          )}
          <ExportBar attributes={selection} event={built?.ok ? built.submission : undefined} />
        </>
      )}
      <Submissions items={submissions} onRetry={retry} onDiscard={discard} />
    </section>
  );
}
