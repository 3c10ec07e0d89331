import { useState } from 'preact/hooks';
import { indicatorsInText } from '../../../lib/events/drafts';
import type { ExtraIndicator } from '../../../lib/events/model';

/** "Scan text": indicators from pasted text join the draft, selected. */
export function ScanText({ onFound }: { onFound: (found: ExtraIndicator[]) => void }) {
  const [text, setText] = useState('');
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
      <button
        type="button"
        onClick={() => {
          const found = indicatorsInText(text);
          if (found.length > 0) onFound(found);
          setText('');
        }}
      >
        Add indicators from text
      </button>
    </details>
  );
}
