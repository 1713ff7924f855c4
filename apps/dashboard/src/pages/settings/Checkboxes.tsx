import { useId } from 'react';

/** A group of checkboxes choosing some of the options (permissions, scopes, event types). */
export function Checkboxes({
  legend,
  options,
  chosen,
  onChange,
  error,
}: {
  legend: string;
  options: string[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <fieldset className="checkboxes" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o}>
          <input
            type="checkbox"
            checked={chosen.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
          />{' '}
          <code>{o}</code>
        </label>
      ))}
      {error && (
        <span id={`${id}-error`} className="error">
          {error}
        </span>
      )}
    </fieldset>
  );
}
