import type { ClusterMatch } from '../../../lib/events/clusters';
import type { FormField } from '../../../lib/events/field-errors';
import {
  ANALYSIS_LEVELS,
  DISTRIBUTIONS,
  type EventForm as Form,
  SHARING_GROUP_DISTRIBUTION,
} from '../../../lib/events/model';
import type { ObjectProposal } from '../../../lib/events/objects';
import { PAP_CHOICES, TLP_CHOICES } from '../../../lib/events/taxonomies';
import { countText } from '../../../lib/format/count';
import { THREAT_LEVEL_CHOICES } from '../../../lib/threat-level';
import { AttachReportFile } from '../pdf/AttachReportFile';
import { TagInput, type TagState } from '../TagInput';
import { ClusterInput } from './ClusterInput';
import { Checkbox, Choice, FieldErrors, invalidProps } from './Fields';
import { ObjectPreview } from './ObjectPreview';
import { type Outcome, OutcomeView } from './OutcomeView';

export interface EventFormProps {
  /** The key's role may not create events: why (no "Create event" is offered then). */
  addRefusal?: string | undefined;
  form: Form;
  onForm: (patch: Partial<Form>) => void;
  /** Instances events can be filed to; the select shows when there are several. */
  targets: ReadonlyArray<{ id: string; name: string }>;
  instanceId: string | undefined;
  onInstance: (id: string) => void;
  canPublish: boolean;
  canCreateTags: boolean;
  tagStates: Record<string, TagState>;
  onTagState: (name: string, state: TagState) => void;
  /** The instance's sharing groups (undefined while loading). */
  sharingGroups: ReadonlyArray<{ id: string; name: string }> | undefined;
  mentioned: readonly ClusterMatch[];
  /** The page could be read: report and objects are offered. */
  pageRead: boolean;
  /** "Attach page as event report" when the analyst has not chosen. */
  reportByDefault: boolean;
  objects: readonly ObjectProposal[];
  selected: number;
  busy: boolean;
  onCreate: (event: MouseEvent) => void;
  outcome: Outcome | null;
  /** MISP's field errors from the last attempt, by field. */
  fieldErrors: Partial<Record<FormField, string[]>>;
  /** "Attach report file": on a readable PDF tab the PDF, on a web page a saved copy of the page. */
  reportFile?: { checked: boolean; onChange: (checked: boolean) => void };
}

/** The selects after Distribution, as data: the form field each sets, its control and its options. */
const LEVELS = [
  { field: 'threatLevel', id: 'event-threat', label: 'Threat level', options: THREAT_LEVEL_CHOICES },
  { field: 'analysis', id: 'event-analysis', label: 'Analysis', options: ANALYSIS_LEVELS },
] as const;
const TAXONOMIES = [
  { field: 'tlp', id: 'event-tlp', label: 'TLP', choices: TLP_CHOICES },
  { field: 'pap', id: 'event-pap', label: 'PAP', choices: PAP_CHOICES },
] as const;

/** "New event": the form's fields, the careful analyst's extras, and "Create event". */
export function EventForm(props: EventFormProps) {
  const { form, onForm, fieldErrors: errors } = props;
  const unknownTags = form.tags.filter((tag) => props.tagStates[tag] === 'unknown');
  const sharing = form.distribution === SHARING_GROUP_DISTRIBUTION;
  const attachReport = form.attachReport ?? props.reportByDefault;
  return (
    <section aria-labelledby="event-heading" class="sl-form">
      <h2 id="event-heading">New event</h2>
      {props.targets.length > 1 && (
        <>
          <label for="event-instance">MISP instance</label>
          <select
            id="event-instance"
            value={props.instanceId ?? ''}
            onChange={(event) => props.onInstance(event.currentTarget.value)}
          >
            {props.targets.map((target) => (
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
        value={form.info}
        {...invalidProps('event-info', errors.info)}
        onInput={(event) => onForm({ info: event.currentTarget.value })}
      />
      <FieldErrors id="event-info" errors={errors.info} />
      <div class="sl-grid">
        <div>
          <label for="event-date">Date</label>
          <input
            id="event-date"
            type="date"
            value={form.date}
            {...invalidProps('event-date', errors.date)}
            onInput={(event) => event.currentTarget.value && onForm({ date: event.currentTarget.value })}
          />
          <FieldErrors id="event-date" errors={errors.date} />
        </div>
        <Choice
          id="event-distribution"
          label="Distribution"
          value={form.distribution}
          options={DISTRIBUTIONS}
          errors={errors.distribution}
          onChange={(distribution) => onForm({ distribution })}
        />
        {sharing && (
          <SharingGroupChoice
            groups={props.sharingGroups}
            value={form.sharingGroupId}
            errors={errors.sharingGroup}
            onChange={(sharingGroupId) => onForm({ sharingGroupId })}
          />
        )}
        {LEVELS.map((level) => (
          <Choice
            key={level.field}
            id={level.id}
            label={level.label}
            value={form[level.field]}
            options={level.options}
            errors={errors[level.field]}
            onChange={(value: number) => onForm({ [level.field]: value })}
          />
        ))}
        {TAXONOMIES.map((taxonomy) => (
          <TaxonomyChoice
            key={taxonomy.field}
            id={taxonomy.id}
            label={taxonomy.label}
            value={form[taxonomy.field]}
            choices={taxonomy.choices}
            onChange={(value) => onForm({ [taxonomy.field]: value })}
          />
        ))}
      </div>
      <TagInput
        instanceId={props.instanceId}
        tags={form.tags}
        onChange={(tags) => onForm({ tags })}
        states={props.tagStates}
        onState={props.onTagState}
      />
      <FieldErrors id="tag-input" errors={errors.tags} />
      {unknownTags.length > 0 && (
        <p role="alert" class="status-warn">
          {`Not on the server: ${unknownTags.join(', ')}. `}
          {props.canCreateTags
            ? 'MISP will create it as a new tag (check the spelling: tags are case-sensitive).'
            : 'Your MISP role may not create tags: MISP will silently drop it.'}
        </p>
      )}
      <ClusterInput
        instanceId={props.instanceId}
        clusters={form.clusters}
        mentioned={props.mentioned}
        onChange={(clusters) => onForm({ clusters })}
      />
      <Checkbox checked={form.includeUrl} onChange={(includeUrl) => onForm({ includeUrl })}>
        Include page URL
      </Checkbox>
      {props.reportFile && <AttachReportFile {...props.reportFile} />}
      {props.pageRead && (
        <>
          <Checkbox checked={attachReport} onChange={(value) => onForm({ attachReport: value })}>
            Attach page as event report
          </Checkbox>
          <Checkbox checked={form.groupObjects} onChange={(groupObjects) => onForm({ groupObjects })}>
            Group into objects
          </Checkbox>
          {form.groupObjects && (
            <ObjectPreview
              objects={props.objects}
              ungrouped={form.ungrouped}
              onUndo={(key) => onForm({ ungrouped: [...form.ungrouped, key] })}
              onRedo={(key) => onForm({ ungrouped: form.ungrouped.filter((other) => other !== key) })}
            />
          )}
        </>
      )}
      {props.canPublish && (
        <Checkbox checked={form.publish} onChange={(publish) => onForm({ publish })}>
          Publish
        </Checkbox>
      )}
      {props.addRefusal && <p class="status-warn">{props.addRefusal}</p>}
      <div class="row">
        {/* A key whose role may not add (read only) gets no button that MISP would refuse. */}
        {!props.addRefusal && (
          <button type="button" class="primary" disabled={props.busy} onClick={props.onCreate}>
            Create event
          </button>
        )}
        <span class="hint">{`${countText(props.selected, 'indicator')} selected`}</span>
      </div>
      <OutcomeView outcome={props.outcome} />
    </section>
  );
}

function TaxonomyChoice({
  id,
  label,
  value,
  choices,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  choices: ReadonlyArray<{ value: string; tag: string; description: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">None</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value} title={choice.description}>
            {choice.tag}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Sharing group", when Distribution is "Sharing group": the instance's groups. */
function SharingGroupChoice({
  groups,
  value,
  errors,
  onChange,
}: {
  groups: ReadonlyArray<{ id: string; name: string }> | undefined;
  value: string | undefined;
  errors: readonly string[] | undefined;
  onChange: (id: string | undefined) => void;
}) {
  return (
    <div>
      <label for="event-sharing-group">Sharing group</label>
      <select
        id="event-sharing-group"
        value={value ?? ''}
        {...invalidProps('event-sharing-group', errors)}
        onChange={(event) => onChange(event.currentTarget.value || undefined)}
      >
        <option value="">
          {groups === undefined ? 'Loading…' : groups.length === 0 ? 'None on this MISP' : 'Choose…'}
        </option>
        {(groups ?? []).map((group) => (
          <option key={group.id} value={group.id}>
            {group.name}
          </option>
        ))}
      </select>
      <FieldErrors id="event-sharing-group" errors={errors} />
    </div>
  );
}
