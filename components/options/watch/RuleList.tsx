import { useState } from 'preact/hooks';
import { fullTime } from '../../../lib/format/time';
import type { RuleView, WatchTestReport } from '../../../lib/watch/model';
import { ruleName, ruleSummary, type WatchRuleInput } from '../../../lib/watch/rules';
import { TagChips } from '../../popup/TagInput';
import { type InstanceChoice, RuleEditor } from './RuleEditor';
import { TestReport } from './TestReport';

/** The watch rules, each with its conditions, its tags as chips, and "Test rule …", "Edit …", "Remove …". */
export function RuleList({
  rules,
  instances,
  tests,
  onTest,
  onSave,
  onRemove,
}: {
  rules: readonly RuleView[];
  instances: readonly InstanceChoice[];
  tests: Record<string, WatchTestReport | 'running' | { error: string }>;
  onTest: (rule: RuleView) => void;
  onSave: (rule: WatchRuleInput) => Promise<unknown>;
  onRemove: (rule: RuleView) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const nameOf = (id: string) =>
    instances.find((instance) => instance.id === id)?.name ?? 'a removed instance';
  return (
    <ul aria-label="Watch rules" class="watch-rules">
      {rules.map((rule) => {
        const name = ruleName(rule);
        const test = tests[rule.id];
        return (
          <li key={rule.id} class="card">
            {editing === rule.id ? (
              <RuleEditor
                rule={rule}
                instances={instances}
                onSave={async (input) => {
                  const saved = await onSave(input);
                  if (saved) setEditing(null);
                  return saved;
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <h3>{name}</h3>
                <TagChips tags={rule.tags} label={`Tags of rule ${name}`} />
                <p class="hint">{ruleSummary(rule, nameOf)}</p>
                {rule.startedAt > 0 && <p class="hint">Watching since {fullTime(rule.startedAt)}.</p>}
                <div class="row">
                  <button type="button" onClick={() => onTest(rule)} disabled={test === 'running'}>
                    Test rule {name}
                  </button>
                  <button type="button" onClick={() => setEditing(rule.id)}>
                    Edit rule {name}
                  </button>
                  <button type="button" onClick={() => onRemove(rule)}>
                    Remove rule {name}
                  </button>
                </div>
                <div aria-live="polite" class="watch-test">
                  {test === 'running' && <p>Checking MISP…</p>}
                  {test && test !== 'running' && <TestReport report={test} />}
                </div>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
