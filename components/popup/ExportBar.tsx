import { useState } from 'preact/hooks';
import { toCsv, toDefangedText, toMispEventJson } from '../../lib/events/export';
import type { AttributeInput, EventSubmission } from '../../lib/events/model';

/** Export of the selection: defanged text, CSV, MISP event JSON (to the clipboard). */
export function ExportBar({
  attributes,
  event,
}: {
  attributes: AttributeInput[];
  event: EventSubmission | undefined;
}) {
  const [status, setStatus] = useState('');
  const copy = async (label: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus(`${label} copied.`);
    } catch {
      setStatus('The clipboard is not available here.');
    }
  };
  const none = attributes.length === 0;
  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">Export selection</h2>
      <div class="row">
        <button
          type="button"
          disabled={none}
          onClick={() => void copy('Defanged text', toDefangedText(attributes))}
        >
          Copy as defanged text
        </button>
        <button type="button" disabled={none} onClick={() => void copy('CSV', toCsv(attributes))}>
          Copy as CSV
        </button>
        <button
          type="button"
          disabled={none || !event}
          onClick={() => event && void copy('MISP event JSON', toMispEventJson(event))}
        >
          Copy as MISP event JSON
        </button>
      </div>
      <p class="hint" role="status">
        {status}
      </p>
    </section>
  );
}
