/** "Attach report file": on a PDF tab, the event gets the PDF as a MISP attachment beside its link. */
export function AttachReportFile({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label class="sl-inline">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.currentTarget.checked)} />{' '}
      Attach report file
    </label>
  );
}
