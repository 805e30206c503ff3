import type { PatientSummary } from '@dentalpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { patientName, schedulingApi, usePatientSearch } from './scheduling.api';

/** Debounced so typing a name sends one search, not one per key. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

interface PatientPickerProps {
  practiceId: string;
  value: PatientSummary | null;
  onChange: (patient: PatientSummary | null) => void;
  error?: string | undefined;
  /** Defaults to "Patient". */
  label?: string;
  /** What "New patient" starts from when nothing is typed (a WhatsApp contact's name and number). */
  newPatient?: { name?: string; phone?: string };
}

/** A combobox: type a name, phone digits or birth date; arrows move through the results, Enter picks. */
export function PatientPicker({ practiceId, value, onChange, error, label, newPatient }: PatientPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const listId = `${id}-list`;
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(0);
  const [creating, setCreating] = useState(false);
  const search = usePatientSearch(practiceId, useDebounced(q));
  const results = q.trim() ? (search.data ?? []) : [];

  if (value) {
    return (
      <div className="field">
        <span className="field-label" id={`${id}-label`}>
          {label ?? t('booking.patient')}
        </span>
        <div className="picked-patient" aria-labelledby={`${id}-label`}>
          <span>
            <strong>{patientName(value)}</strong>
            <span className="muted small block">{[value.phone, value.dateOfBirth].filter(Boolean).join(' · ')}</span>
          </span>
          <Button variant="ghost" onClick={() => onChange(null)}>
            {t('booking.changePatient')}
          </Button>
        </div>
      </div>
    );
  }

  if (creating) {
    return (
      <NewPatientForm
        practiceId={practiceId}
        initialName={q.trim() || newPatient?.name}
        initialPhone={newPatient?.phone}
        onCreated={onChange}
        onCancel={() => setCreating(false)}
      />
    );
  }

  const pick = (patient: PatientSummary) => {
    onChange(patient);
    setQ('');
    setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActiveIndex((i) => Math.min(i + 1, results.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActiveIndex((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter') {
      // Never submits the booking form from the search box.
      event.preventDefault();
      const picked = results[activeIndex];
      if (open && picked) pick(picked);
    } else if (event.key === 'Escape' && open && results.length > 0) {
      // Close the list first; a second Escape closes the dialog.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };
  const expanded = open && q.trim().length > 0;

  return (
    <div className={`field patient-picker${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label ?? t('booking.patient')}</label>
      <p className="field-hint" id={`${id}-hint`}>
        {t('booking.patientHint')}
      </p>
      <input
        id={id}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-activedescendant={expanded && results[activeIndex] ? `${id}-opt-${activeIndex}` : undefined}
        aria-invalid={error ? true : undefined}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
          setActiveIndex(0);
        }}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      <ul id={listId} role="listbox" aria-label={t('booking.patientResults')} className="listbox" hidden={!expanded}>
        {results.map((p, i) => (
          <li
            key={p.id}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === activeIndex}
            className={i === activeIndex ? 'is-active' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(p)}
          >
            <strong>{patientName(p)}</strong>
            <span className="muted small">{[p.phone, p.dateOfBirth].filter(Boolean).join(' · ')}</span>
          </li>
        ))}
      </ul>
      <p className="muted small" role="status">
        {expanded && !search.isFetching && search.data && results.length === 0 ? t('booking.noPatientFound') : ''}
      </p>
      <div>
        <Button variant="ghost" onClick={() => setCreating(true)}>
          + {t('booking.newPatient')}
        </Button>
      </div>
    </div>
  );
}

export function NewPatientForm({
  practiceId,
  initialName = '',
  initialPhone = '',
  onCreated,
  onCancel,
}: {
  practiceId: string;
  initialName?: string | undefined;
  initialPhone?: string | undefined;
  onCreated: (patient: PatientSummary) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [given, ...rest] = initialName.trim().split(/\s+/);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => schedulingApi.createPatient(practiceId, body),
    onSuccess: onCreated,
  });
  // Not a <form>: it may sit inside the booking form, and forms cannot nest.
  const submit = (event: FormEvent<HTMLElement> | { currentTarget: HTMLElement }) => {
    const root = event.currentTarget.closest('.new-patient') as HTMLElement;
    const value = (name: string) => (root.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
    create.mutate({ givenName: value('givenName'), familyName: value('familyName'), phone: value('phone'), dateOfBirth: value('dateOfBirth') || null });
  };
  return (
    <fieldset className="new-patient card-inset">
      <legend>{t('booking.newPatient')}</legend>
      <div className="grid-2">
        <TextField label={t('patients.givenName')} name="givenName" defaultValue={given ?? ''} required error={fieldError(create.error, 'givenName')} />
        <TextField label={t('patients.familyName')} name="familyName" defaultValue={rest.join(' ')} required error={fieldError(create.error, 'familyName')} />
        <TextField label={t('common.phone')} name="phone" type="tel" autoComplete="off" defaultValue={initialPhone} hint={t('patients.phoneHint')} error={fieldError(create.error, 'phone')} />
        <TextField label={t('patients.dateOfBirth')} name="dateOfBirth" type="date" error={fieldError(create.error, 'dateOfBirth')} />
      </div>
      <ErrorAlert error={create.error} />
      <div className="actions">
        <Button variant="primary" busy={create.isPending} onClick={(e) => submit(e)}>
          {t('patients.create')}
        </Button>
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        )}
      </div>
    </fieldset>
  );
}
