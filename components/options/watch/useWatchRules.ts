import { useEffect, useState } from 'preact/hooks';
import { countText } from '../../../lib/format/count';
import { sendToBackground } from '../../../lib/runtime';
import type { RuleView, WatchTestReport, WatchView } from '../../../lib/watch/model';
import type { WatchRuleInput } from '../../../lib/watch/rules';

export interface WatchRulesState {
  view: WatchView | null;
  /** The last action's outcome, for the section's message line. */
  note: { ok: boolean; text: string } | null;
  /** Test reports by rule id (while a test runs: "running"). */
  tests: Record<string, WatchTestReport | 'running' | { error: string }>;
  saveRule(rule: WatchRuleInput): Promise<RuleView | undefined>;
  removeRule(rule: RuleView): Promise<void>;
  saveInterval(minutes: number): Promise<void>;
  test(rule: RuleView): Promise<void>;
}

/** The options' watch rules: loaded from the background, saved through it, each action reported once. */
export function useWatchRules(): WatchRulesState {
  const [view, setView] = useState<WatchView | null>(null);
  const [note, setNote] = useState<WatchRulesState['note']>(null);
  const [tests, setTests] = useState<WatchRulesState['tests']>({});

  async function reload() {
    const result = await sendToBackground('watch/get', {});
    if (result.ok) setView(result.data);
    else setNote({ ok: false, text: result.error.message });
  }
  useEffect(() => {
    void reload();
  }, []);

  return {
    view,
    note,
    tests,
    async saveRule(rule) {
      const result = await sendToBackground('watch/save-rule', { rule });
      if (!result.ok) {
        setNote({ ok: false, text: result.error.message });
        return undefined;
      }
      setNote({
        ok: true,
        text: rule.id
          ? `Rule ${result.data.name || result.data.tags.join(', ')} saved.`
          : 'Watching from now on.',
      });
      await reload();
      return result.data;
    },
    async removeRule(rule) {
      const result = await sendToBackground('watch/remove-rule', { id: rule.id });
      setNote(result.ok ? { ok: true, text: 'Rule removed.' } : { ok: false, text: result.error.message });
      await reload();
    },
    async saveInterval(minutes) {
      const result = await sendToBackground('watch/interval', { minutes });
      setNote(
        result.ok
          ? { ok: true, text: `Checking every ${minutes === 1 ? 'minute' : countText(minutes, 'minute')}.` }
          : { ok: false, text: result.error.message },
      );
      await reload();
    },
    async test(rule) {
      setTests((old) => ({ ...old, [rule.id]: 'running' }));
      const result = await sendToBackground('watch/test', { ruleId: rule.id });
      setTests((old) => ({ ...old, [rule.id]: result.ok ? result.data : { error: result.error.message } }));
    },
  };
}
