import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';

type Described = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string };

/** A label, a control, an optional hint and error, tied together for screen readers. */
function Labelled({
  label,
  hint,
  error,
  control,
}: {
  label: string;
  hint?: string;
  error?: string;
  control: (described: Described) => ReactNode;
}) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined })}
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="error">
          {error}
        </span>
      )}
    </div>
  );
}

/** A labelled input with an optional hint and error. */
export function Field({
  label,
  hint,
  error,
  ...input
}: { label: string; hint?: string; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return <Labelled label={label} hint={hint} error={error} control={(d) => <input {...d} {...input} />} />;
}

/** A labelled text area with an optional hint and error. */
export function TextAreaField({
  label,
  hint,
  error,
  ...area
}: { label: string; hint?: string; error?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <Labelled label={label} hint={hint} error={error} control={(d) => <textarea {...d} {...area} />} />;
}

/** The message of a problem's error for one field, if any. */
export function fieldError(errors: { field: string; message: string }[] | undefined, field: string) {
  return errors?.find((e) => e.field === field || e.field.endsWith(`.${field}`))?.message;
}

/** A labelled choice of options, the first one "all" (value '') when `all` names it. */
export function SelectField({
  label,
  value,
  onChange,
  options,
  all,
  hint,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  all?: string;
  hint?: string;
  error?: string;
}) {
  return (
    <Labelled
      label={label}
      hint={hint}
      error={error}
      control={(d) => (
        <select {...d} value={value} onChange={(e) => onChange(e.target.value)}>
          {all !== undefined && <option value="">{all}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}
