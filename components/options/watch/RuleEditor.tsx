import { useState } from 'preact/hooks';
import { minimumThreatLevelLabel } from '../../../lib/threat-level';
import type { RuleView } from '../../../lib/watch/model';
import { ruleName, type WatchRuleInput } from '../../../lib/watch/rules';
import { TagInput } from '../../popup/TagInput';

const THREAT_CHOICES = [
  { value: '', label: 'Any' },
  ...([3, 2, 1] as const).map((id) => ({ value: String(id), label: minimumThreatLevelLabel(id) })),
];

export interface InstanceChoice {
  id: string;
  name: string;
}

function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * A watch rule's form: the tags ("Watched tags" combobox with the popup's chips), any or all of them,
 * the other conditions and the instances. Used for a new rule and to edit one.
 */
export function RuleEditor({
  rule,
  instances,
  onSave,
  onCancel,
}: {
  /** The rule being edited; absent for a new one. */
  rule?: RuleView;
  instances: readonly InstanceChoice[];
  onSave: (rule: WatchRuleInput) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const [tags, setTags] = useState<string[]>(rule?.tags ?? []);
  const [tagMatch, setTagMatch] = useState<'any' | 'all'>(rule?.tagMatch ?? 'any');
  const [threat, setThreat] = useState(rule?.minThreatLevel === undefined ? '' : String(rule.minThreatLevel));
  const [orgs, setOrgs] = useState((rule?.orgs ?? []).join(', '));
  const [publishedOnly, setPublishedOnly] = useState(rule?.publishedOnly ?? false);
  const [newAttributesOnly, setNewAttributesOnly] = useState(rule?.newAttributesOnly ?? false);
  const [instanceIds, setInstanceIds] = useState<string[]>(
    rule?.instanceIds ?? (instances[0] ? [instances[0].id] : []),
  );
  const [name, setName] = useState(rule?.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const prefix = rule ? `rule-${rule.id}` : 'new-rule';
  // Suggestions come from the first chosen instance (tag names are per MISP).
  const suggestFrom = instanceIds[0];

  async function submit(event: Event) {
    event.preventDefault();
    if (tags.length === 0) return setError('Add at least one tag to watch.');
    if (instanceIds.length === 0) return setError('Choose at least one MISP instance.');
    setError(null);
    setSaving(true);
    const input: WatchRuleInput = {
      ...(rule ? { id: rule.id } : {}),
      name,
      tags,
      tagMatch,
      ...(threat === '' ? {} : { minThreatLevel: Number(threat) }),
      orgs: splitList(orgs),
      publishedOnly,
      newAttributesOnly,
      instanceIds,
    };
    const saved = await onSave(input);
    setSaving(false);
    if (saved && !rule) {
      setTags([]);
      setName('');
    }
  }

  const title = rule ? `Edit rule ${ruleName(rule)}` : 'New rule';
  return (
    <form class="watch-rule-editor" aria-label={title} onSubmit={submit}>
      <TagInput
        id={`${prefix}-tags`}
        label="Watched tags"
        chipsLabel="Tags being watched"
        instanceId={suggestFrom}
        tags={tags}
        onChange={setTags}
        placeholder="tlp:red"
        hint="Exact MISP tag names (case-sensitive). Press Enter to add."
      />
      <fieldset class="watch-rule-match">
        <legend>Notify for events with</legend>
        <label class="inline">
          <input
            type="radio"
            name={`${prefix}-match`}
            checked={tagMatch === 'any'}
            onChange={() => setTagMatch('any')}
          />
          Any of these tags
        </label>
        <label class="inline">
          <input
            type="radio"
            name={`${prefix}-match`}
            checked={tagMatch === 'all'}
            onChange={() => setTagMatch('all')}
          />
          All of these tags
        </label>
      </fieldset>
      <label for={`${prefix}-threat`}>Minimum threat level</label>
      <select id={`${prefix}-threat`} value={threat} onChange={(e) => setThreat(e.currentTarget.value)}>
        {THREAT_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <label for={`${prefix}-orgs`}>Creator organisations</label>
      <input
        id={`${prefix}-orgs`}
        type="text"
        value={orgs}
        placeholder="Any (or e.g. CIRCL, CERT-EU)"
        aria-describedby={`${prefix}-orgs-hint`}
        onInput={(e) => setOrgs(e.currentTarget.value)}
      />
      <p id={`${prefix}-orgs-hint`} class="hint">
        Names as MISP shows them, separated by commas; empty for any organisation.
      </p>
      <label class="inline">
        <input
          type="checkbox"
          role="switch"
          aria-checked={publishedOnly}
          checked={publishedOnly}
          onChange={(e) => setPublishedOnly(e.currentTarget.checked)}
        />
        Only published events
      </label>
      <label class="inline">
        <input
          type="checkbox"
          checked={newAttributesOnly}
          onChange={(e) => setNewAttributesOnly(e.currentTarget.checked)}
        />
        Only events with new attributes since I last saw them
      </label>
      {instances.length > 1 && (
        <fieldset>
          <legend>Watch on</legend>
          {instances.map((instance) => (
            <label key={instance.id} class="inline">
              <input
                type="checkbox"
                checked={instanceIds.includes(instance.id)}
                onChange={(e) =>
                  setInstanceIds(
                    e.currentTarget.checked
                      ? [...instanceIds, instance.id]
                      : instanceIds.filter((id) => id !== instance.id),
                  )
                }
              />
              {instance.name}
            </label>
          ))}
        </fieldset>
      )}
      <label for={`${prefix}-name`}>Rule name</label>
      <input
        id={`${prefix}-name`}
        type="text"
        maxLength={100}
        value={name}
        placeholder={tags.length > 0 ? ruleName({ name: '', tags, tagMatch }) : 'The tags, if left empty'}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      {error && (
        <p class="status-error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" disabled={saving}>
          {rule ? 'Save rule' : 'Add rule'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
