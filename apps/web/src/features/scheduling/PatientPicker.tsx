import type { PatientSummary } from '@dentalpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, type KeyboardEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { formatPhone, useDayFormat } from '../../components/format';
import { DuplicateWarning, useDuplicateGate } from '../patients/DuplicateWarning';
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
  /** Offer "New patient" (not when picking among existing records, e.g. the survivor of a merge). */
  allowNew?: boolean;
  /** A patient not to offer (the guardian of a patient cannot be that patient). */
  excludeId?: string | undefined;
  /** Why a patient cannot be picked here, if so: they are listed greyed out with the reason. */
  unavailable?: ((patient: PatientSummary) => string | undefined) | undefined;
}

/** A combobox: type a name, phone digits or birth date; arrows move through the results, Enter picks. */
export function PatientPicker({
  practiceId,
  value,
  onChange,
  error,
  label,
  newPatient,
  allowNew = true,
  excludeId,
  unavailable,
}: PatientPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const listId = `${id}-list`;
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(0);
  const [creating, setCreating] = useState(false);
  const search = usePatientSearch(practiceId, useDebounced(q));
  const results = q.trim() ? (search.data ?? []).filter((p) => p.id !== excludeId) : [];
  const formatDay = useDayFormat();
  const phoneAndBirth = (p: PatientSummary) =>
    [p.phone && formatPhone(p.phone), p.dateOfBirth && formatDay(p.dateOfBirth)].filter(Boolean).join(' · ');

  if (value) {
    return (
      <div className="field">
        <span className="field-label" id={`${id}-label`}>
          {label ?? t('booking.patient')}
        </span>
        {/* biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border, padding, min-width and legend rules. */}
        <div
          className={`picked-patient${error ? ' is-invalid' : ''}`}
          role="group"
          aria-labelledby={`${id}-label`}
          aria-describedby={error ? `${id}-error` : undefined}
        >
          <span>
            <strong>{patientName(value)}</strong>
            {value.status && value.status !== 'active' && (
              <>
                {' '}
                <span className={`status-pill patient-status-${value.status}`}>
                  {t(`patientRecord.status.${value.status}`)}
                </span>
              </>
            )}
            <span className="muted small block">{phoneAndBirth(value)}</span>
          </span>
          <Button variant="ghost" onClick={() => onChange(null)}>
            {t('booking.changePatient')}
          </Button>
        </div>
        {error && (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        )}
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
        onPickExisting={onChange}
        pickExistingLabel={t('patients.duplicates.use')}
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
      if (open && picked && !unavailable?.(picked)) pick(picked);
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
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: ARIA in HTML allows a list as a listbox; the combobox input keeps the focus. */}
      <ul id={listId} role="listbox" aria-label={t('booking.patientResults')} className="listbox" hidden={!expanded}>
        {results.map((p, i) => {
          const reason = unavailable?.(p);
          return (
            // biome-ignore lint/a11y/useFocusableInteractive lint/a11y/useKeyWithClickEvents: a combobox option: focus stays in the input, whose keys move aria-activedescendant; a click is the mouse's way to pick.
            <li
              key={p.id}
              id={`${id}-opt-${i}`}
              // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: ARIA in HTML allows a list item as an option of a listbox.
              role="option"
              aria-selected={i === activeIndex}
              aria-disabled={reason ? true : undefined}
              className={i === activeIndex ? 'is-active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => !reason && pick(p)}
            >
              <strong>
                {patientName(p)}
                {p.status && p.status !== 'active' && (
                  <>
                    {' '}
                    <span className={`status-pill patient-status-${p.status}`}>
                      {t(`patientRecord.status.${p.status}`)}
                    </span>
                  </>
                )}
              </strong>
              <span className="muted small">{phoneAndBirth(p)}</span>
              {reason && <span className="small">{reason}</span>}
            </li>
          );
        })}
      </ul>
      <p className="muted small" role="status">
        {expanded && !search.isFetching && search.data && results.length === 0 ? t('booking.noPatientFound') : ''}
      </p>
      {allowNew && (
        <div>
          <Button variant="ghost" onClick={() => setCreating(true)}>
            + {t('booking.newPatient')}
          </Button>
        </div>
      )}
    </div>
  );
}

/**
 * The short new-patient form of the booking dialog and the inbox: names, one phone, birth date,
 * for speed. The full form (every detail) is the Patients page's, PatientDetailsForm.
 */
export function NewPatientForm({
  practiceId,
  initialName = '',
  initialPhone = '',
  onCreated,
  onCancel,
  onPickExisting,
  pickExistingLabel,
}: {
  practiceId: string;
  initialName?: string | undefined;
  initialPhone?: string | undefined;
  onCreated: (patient: PatientSummary) => void;
  onCancel?: () => void;
  /** A likely duplicate was the right patient after all: open it (patients page) or use it (booking). */
  onPickExisting?: (patient: PatientSummary) => void;
  pickExistingLabel?: string;
}) {
  const { t } = useTranslation();
  const hintId = useId();
  const [given, ...rest] = initialName.trim().split(/\s+/);
  const [draft, setDraft] = useState<QuickDraft>({
    givenName: given ?? '',
    familyName: rest.join(' '),
    phone: initialPhone,
    dateOfBirth: '',
  });
  const set = (field: keyof QuickDraft) => (event: ChangeEvent<HTMLInputElement>) =>
    setDraft((d) => ({ ...d, [field]: event.target.value }));
  const gate = useDuplicateGate(practiceId, { ...draft, phones: [draft.phone] });
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => schedulingApi.createPatient(practiceId, body),
    onSuccess: onCreated,
  });
  // Not a <form>: it may sit inside the booking form, and forms cannot nest.
  const submit = async () => {
    if (!(await gate.clear())) return;
    create.mutate({
      givenName: draft.givenName.trim(),
      familyName: draft.familyName.trim(),
      phone: draft.phone.trim(),
      dateOfBirth: draft.dateOfBirth || null,
    });
  };
  return (
    <fieldset className="new-patient card-inset">
      <legend>{t('booking.newPatient')}</legend>
      <div className="grid-2">
        <TextField
          label={t('patients.givenName')}
          name="givenName"
          value={draft.givenName}
          onChange={set('givenName')}
          required
          error={fieldError(create.error, 'givenName')}
        />
        <TextField
          label={t('patients.familyName')}
          name="familyName"
          value={draft.familyName}
          onChange={set('familyName')}
          required
          error={fieldError(create.error, 'familyName')}
        />
        <TextField
          label={t('common.phone')}
          name="phone"
          type="tel"
          autoComplete="off"
          value={draft.phone}
          onChange={set('phone')}
          hint={t('patients.phoneHint')}
          error={fieldError(create.error, 'phone')}
        />
        <TextField
          label={t('patients.dateOfBirth')}
          name="dateOfBirth"
          type="date"
          value={draft.dateOfBirth}
          onChange={set('dateOfBirth')}
          error={fieldError(create.error, 'dateOfBirth')}
        />
      </div>
      <DuplicateWarning {...gate.warning} onPick={onPickExisting} pickLabel={pickExistingLabel} />
      <ErrorAlert error={create.error} />
      <div className="actions">
        <Button
          variant="primary"
          busy={create.isPending || gate.checking}
          disabled={gate.blocked}
          aria-describedby={gate.blocked ? hintId : undefined}
          onClick={() => void submit()}
        >
          {t('patients.create')}
        </Button>
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        )}
        {gate.blocked && (
          <p id={hintId} className="muted small">
            {t('patients.duplicates.createBlocked')}
          </p>
        )}
      </div>
    </fieldset>
  );
}

interface QuickDraft {
  givenName: string;
  familyName: string;
  phone: string;
  dateOfBirth: string;
}
