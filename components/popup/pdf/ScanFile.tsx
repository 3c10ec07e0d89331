import { useEffect, useState } from 'preact/hooks';
import type { ExtraIndicator } from '../../../lib/events/model';
import { countText } from '../../../lib/format/count';
import { fileTexts, SCANNABLE_FILES } from '../../../lib/pdf/files';
import { documentIndicators } from '../../../lib/pdf/indicators';
import { browserPdfJs } from '../../../lib/pdf/pdfjs-browser';

/**
 * "Scan a file": a file chosen here or dropped anywhere on the popup is read locally (PDF, text,
 * HTML, Markdown, CSV, e-mail) and its indicators join the list like pasted text's.
 */
export function ScanFile({ onFound }: { onFound: (found: ExtraIndicator[], name: string) => void }) {
  const [line, setLine] = useState<{ kind: 'ok' | 'error' | 'busy'; text: string }>();

  const scan = async (file: File) => {
    setLine({ kind: 'busy', text: `Reading ${file.name}…` });
    const read = await fileTexts(file.name, new Uint8Array(await file.arrayBuffer()), browserPdfJs);
    if (!read.ok) {
      setLine({ kind: 'error', text: read.message });
      return;
    }
    const found = documentIndicators(read.texts).map(({ type, value, original, count }) => ({
      type,
      value,
      original: original.slice(0, 8192),
      count,
    }));
    onFound(found, file.name);
    setLine({
      kind: 'ok',
      text: `${countText(found.length, 'indicator')} in ${file.name}.`,
    });
  };

  // Dropped on the popup: the browser would otherwise open the file in place of the popup.
  useEffect(() => {
    const over = (event: DragEvent) => event.preventDefault();
    const drop = (event: DragEvent) => {
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (file) void scan(file);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, [onFound]);

  return (
    <div class="sl-scan-file">
      <label for="scan-file">Scan a file</label>{' '}
      <input
        id="scan-file"
        type="file"
        accept={SCANNABLE_FILES}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) void scan(file);
          event.currentTarget.value = '';
        }}
      />
      {line ? (
        <p
          role={line.kind === 'error' ? 'alert' : 'status'}
          class={line.kind === 'error' ? 'status-error' : 'hint'}
        >
          {line.text}
        </p>
      ) : (
        <p class="hint">or drop a file on the popup</p>
      )}
    </div>
  );
}
