import type { ComponentChildren } from 'preact';

/** MISP's errors for one field, shown under it; the control names it in `aria-describedby`. */
export function FieldErrors({ id, errors }: { id: string; errors: readonly string[] | undefined }) {
  if (!errors || errors.length === 0) return null;
  return (
    <p id={`${id}-error`} class="status-error sl-field-error">
      {`MISP: ${errors.join('; ')}`}
    </p>
  );
}

/** The ARIA a control gets when MISP refused its field. */
export function invalidProps(id: string, errors: readonly string[] | undefined) {
  return errors && errors.length > 0
    ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` }
    : {};
}

/** A labelled select of fixed options (Distribution, Threat level, Analysis). */
export function Choice<T extends number>({
  id,
  label,
  value,
  options,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  value: T;
  options: ReadonlyArray<{ id: T; label: string }>;
  onChange: (value: T) => void;
  errors?: readonly string[];
}) {
  return (
    <div>
      <label for={id}>{label}</label>
      <select
        id={id}
        value={String(value)}
        {...invalidProps(id, errors)}
        onChange={(event) => {
          const picked = options.find((option) => String(option.id) === event.currentTarget.value);
          if (picked) onChange(picked.id);
        }}
      >
        {options.map((option) => (
          <option key={option.id} value={String(option.id)}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldErrors id={id} errors={errors} />
    </div>
  );
}

export function Checkbox({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <label class="sl-inline">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.currentTarget.checked)} />{' '}
      {children}
    </label>
  );
}
