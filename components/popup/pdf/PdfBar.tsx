import type { PdfTabState } from './usePdfTab';

/** The PDF tab's line: reading, what it is, or why its text cannot be read. */
export function PdfBar({ state }: { state: PdfTabState }) {
  if (state.phase === 'none') return null;
  if (state.phase === 'reading') {
    return (
      <p role="status" class="hint">
        Reading the PDF…
      </p>
    );
  }
  if (state.problem) {
    return (
      <p role="alert" class="status-error">
        {state.problem}
      </p>
    );
  }
  return (
    <p class="hint">
      {`PDF${state.name ? ` ${state.name}` : ''}${state.pages ? `, ${state.pages} page${state.pages === 1 ? '' : 's'}` : ''}`}
    </p>
  );
}
