import { useState } from 'preact/hooks';
import { addExtras, indicatorsInText } from '../../../lib/events/drafts';
import type { Draft } from '../../../lib/events/model';
import { countText } from '../../../lib/format/count';
import type { ValueStatus } from '../../../lib/lookup/status';
import { sendToBackground } from '../../../lib/runtime';
import { choiceFor, isLikelyBenign } from '../../../lib/selection';

/** What "Add indicators from text" did, in one sentence. */
export function scanTextOutcome(added: number, benign: number, onPage: number): string {
  if (added + onPage === 0) return 'No indicators found in the text.';
  const parts = [`Added ${countText(added, 'indicator')} from the text`];
  if (benign > 0) parts.push(`${countText(benign, 'likely benign value')} not selected`);
  if (onPage > 0) parts.push(`${countText(onPage, 'value')} already on the page`);
  return `${parts.join('; ')}.`;
}

/**
 * "Scan text": indicators in pasted text join the draft under "From pasted text". Their status is
 * asked first, so that values a warninglist calls likely benign are added unticked (and never IDS by
 * default) instead of being filed with the rest in one click.
 */
export function ScanText({
  pageValues,
  onDraft,
  onStatuses,
}: {
  /** Values the page scan already lists (not added again). */
  pageValues: ReadonlySet<string>;
  /** Applied to the stored draft (the context menu writes it too). */
  onDraft: (edit: (draft: Draft) => Draft) => void;
  onStatuses: (statuses: Record<string, ValueStatus>) => void;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState('');

  async function add() {
    const found = indicatorsInText(text);
    setText('');
    if (found.length === 0) {
      setOutcome(scanTextOutcome(0, 0, 0));
      return;
    }
    setBusy(true);
    const answer = await sendToBackground('lookup/values', { indicators: found });
    setBusy(false);
    const statuses = answer.ok ? answer.data.statuses : {};
    onStatuses(statuses);
    let benign = 0;
    for (const indicator of found)
      if (isLikelyBenign(statuses[indicator.value] ?? { status: 'pending' })) benign++;
    onDraft((draft) => {
      const next = addExtras(draft, found, false);
      const selected = { ...next.selected };
      for (const indicator of found) {
        const status = statuses[indicator.value] ?? { status: 'pending' };
        if (!isLikelyBenign(status)) selected[indicator.value] ??= choiceFor({ ...indicator, status });
      }
      return { ...next, selected };
    });
    const onPage = found.filter((indicator) => pageValues.has(indicator.value)).length;
    setOutcome(scanTextOutcome(found.length - onPage, benign, onPage));
  }

  return (
    <details class="sl-scan">
      <summary>Scan text</summary>
      <textarea
        aria-label="Scan text"
        rows={3}
        value={text}
        placeholder="Paste text with indicators"
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <button type="button" disabled={busy} onClick={() => void add()}>
        Add indicators from text
      </button>
      <p class="hint" role="status">
        {outcome}
      </p>
    </details>
  );
}
