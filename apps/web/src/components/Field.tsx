import { type ComponentProps, type ReactNode, useId } from 'react';

interface FieldFrameProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  hintId: string;
  errorId: string;
  required?: boolean | undefined;
  children: ReactNode;
  className?: string | undefined;
}

function FieldFrame({ id, label, hint, error, hintId, errorId, children, className }: FieldFrameProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(hint: unknown, error: unknown, hintId: string, errorId: string) {
  const ids = [hint ? hintId : null, error ? errorId : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

interface CommonProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
}

export function TextField({ label, hint, error, className, id, ...input }: CommonProps & ComponentProps<'input'>) {
  const generated = useId();
  const fieldId = id ?? generated;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <FieldFrame {...{ id: fieldId, label, hint, error, hintId, errorId, className }}>
      <input
        id={fieldId}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, hintId, errorId)}
        {...input}
      />
    </FieldFrame>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  className,
  id,
  ...textarea
}: CommonProps & ComponentProps<'textarea'>) {
  const generated = useId();
  const fieldId = id ?? generated;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <FieldFrame {...{ id: fieldId, label, hint, error, hintId, errorId, className }}>
      <textarea
        id={fieldId}
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, hintId, errorId)}
        {...textarea}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  hint,
  error,
  className,
  id,
  children,
  ...select
}: CommonProps & ComponentProps<'select'>) {
  const generated = useId();
  const fieldId = id ?? generated;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <FieldFrame {...{ id: fieldId, label, hint, error, hintId, errorId, className }}>
      <select
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, hintId, errorId)}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

/**
 * A checkbox with its label beside it and its hint below, read with it; with `switch`, an on/off
 * switch (a setting's "on").
 */
export function CheckboxField({
  label,
  hint,
  switch: isSwitch,
  id,
  ...input
}: { label: ReactNode; hint?: ReactNode; switch?: boolean } & Omit<ComponentProps<'input'>, 'type'>) {
  const generated = useId();
  const hintId = `${id ?? generated}-hint`;
  return (
    <>
      <label className="checkbox">
        <input
          id={id}
          type="checkbox"
          role={isSwitch ? 'switch' : undefined}
          aria-checked={isSwitch ? input.checked : undefined}
          aria-describedby={hint ? hintId : undefined}
          {...input}
        />
        {label}
      </label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </>
  );
}
