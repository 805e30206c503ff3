import { PATIENT_SEXES, PATIENT_STATUSES, PHONE_LABELS } from '@dentalpro/contracts';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldProblem } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { GuardianFields } from './GuardianFields';
import {
  type FormProblems,
  MAX_PHONES,
  type PatientFormValues,
  type PhoneRow,
  checkPatientForm,
  formPathOf,
  formProblemText,
  localToday,
  newPhoneRow,
  sentPhoneRows,
  setWhatsApp,
} from './patient-form';

const LANGUAGES = ['en', 'fr', 'mfe'] as const;

interface PatientDetailsFormProps {
  practiceId: string;
  /** Editing this patient (left out of the guardian search); creating when absent. */
  patientId?: string | undefined;
  values: PatientFormValues;
  onChange: (values: PatientFormValues) => void;
  /** Called once the form's own checks pass. */
  onSubmit: () => void;
  onCancel: () => void;
  submitLabel: string;
  busy: boolean;
  /** The refusal of the last save: its field errors are shown beside the fields. */
  serverError: unknown;
  /** Shown above the buttons (the likely-duplicate warning of a new patient). */
  beforeActions?: ReactNode;
  submitDisabled?: boolean;
  /** Why the save button is disabled. */
  submitBlockedHint?: string | undefined;
  /** Put the focus in the first field when the form appears (not on a page the shell already focuses). */
  focusFirstField?: boolean;
}

/**
 * Every detail of a patient, for creating one (Patients page) and editing one (the record's
 * Edit details page): names, birth date and sex; phone numbers, each with a kind and at most one
 * WhatsApp; email, address, language; a guardian (a patient found by search, or a contact);
 * administrative notes; and, when editing, the status.
 */
export function PatientDetailsForm(props: PatientDetailsFormProps) {
  const {
    practiceId,
    patientId,
    values,
    onChange,
    onSubmit,
    onCancel,
    submitLabel,
    busy,
    serverError,
    beforeActions,
    submitDisabled,
    submitBlockedHint,
    focusFirstField,
  } = props;
  const { t } = useTranslation();
  const prefix = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [problems, setProblems] = useState<FormProblems>({});
  // The numbers as last sent: the server's phones.N means the Nth of these, whatever rows changed since.
  const [sentRows, setSentRows] = useState<PhoneRow[]>([]);
  // Bumped to move the focus to the first field in error once the errors are on screen.
  const [focusTick, setFocusTick] = useState(0);
  const editing = patientId !== undefined;

  useEffect(() => {
    if (focusFirstField) formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, [focusFirstField]);
  useEffect(() => {
    if (serverError) setFocusTick((n) => n + 1);
  }, [serverError]);
  useEffect(() => {
    if (focusTick === 0) return;
    const form = formRef.current;
    const target =
      form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('.form-problems');
    target?.focus();
  }, [focusTick]);

  const serverErrors = serverError instanceof ApiError ? serverError.errors : [];
  const say = (problem: FieldProblem) => formProblemText(problem, (key, options) => t(key, options));
  const serverMessageAt = (path: string) => {
    const found = serverErrors.find((e) => formPathOf(e.path, sentRows) === path);
    return found && say(found);
  };
  const errorAt = (path: string): string | undefined => {
    const code = problems[path];
    return code ? say({ path, code, message: code }) : serverMessageAt(path);
  };

  // A corrected field stops showing its own problem; the others stay until the next try.
  const forget = (...paths: string[]) => {
    // 'guardianContact' also stands for its fields (guardianContact.name, ...).
    const stale = Object.keys(problems).filter((p) =>
      paths.some((path) => p === path || (path === 'guardianContact' && p.startsWith(`${path}.`))),
    );
    if (stale.length) setProblems((all) => Object.fromEntries(Object.entries(all).filter(([p]) => !stale.includes(p))));
  };
  const set = <K extends keyof PatientFormValues>(field: K, value: PatientFormValues[K]) => {
    onChange({ ...values, [field]: value });
    if (field === 'guardianKind') forget('guardianPatientId', 'guardianContact');
    else if (field === 'guardianPatient') forget('guardianPatientId');
    else forget(field);
  };
  const setRow = (key: number, change: Partial<PhoneRow>) => {
    onChange({ ...values, phones: values.phones.map((r) => (r.key === key ? { ...r, ...change } : r)) });
    if ('number' in change) forget(`phones.${key}.number`);
  };
  const phonesRef = useRef<HTMLUListElement>(null);
  const addPhone = () => {
    const row = newPhoneRow(values.phones);
    onChange({ ...values, phones: [...values.phones, row] });
    // The new row's number, once it is there.
    window.setTimeout(() => document.getElementById(`${prefix}-phone-${row.key}`)?.focus(), 0);
  };
  const removePhone = (key: number) => {
    const index = values.phones.findIndex((r) => r.key === key);
    const phones = values.phones.filter((r) => r.key !== key);
    onChange({ ...values, phones });
    // Focus stays in the list: on the row that took its place, or the one before.
    const next = phones[Math.min(index, phones.length - 1)];
    window.setTimeout(
      () => (next ? document.getElementById(`${prefix}-phone-${next.key}`) : phonesRef.current)?.focus(),
      0,
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkPatientForm(values, localToday());
    setProblems(found);
    if (Object.keys(found).length > 0) {
      setFocusTick((n) => n + 1);
      return;
    }
    setSentRows(sentPhoneRows(values.phones));
    onSubmit();
  };

  const several = values.phones.length > 1;
  const placed = new Set([
    'givenName',
    'familyName',
    'preferredName',
    'dateOfBirth',
    'sex',
    'phones',
    ...values.phones.flatMap((r) => [`phones.${r.key}.number`, `phones.${r.key}.label`]),
    'email',
    'address',
    'preferredLanguage',
    'guardianPatientId',
    'guardianContact',
    ...(values.guardianKind === 'contact'
      ? ['guardianContact.name', 'guardianContact.phone', 'guardianContact.relationship']
      : []),
    'notes',
    ...(editing ? ['status'] : []),
  ]);
  // A refusal the form has no field for (should not happen) is still said, in the summary.
  const unplaced = serverErrors.filter((e) => !placed.has(formPathOf(e.path, sentRows)));
  const whatsAppError = errorAt('phones');

  return (
    <form ref={formRef} className="patient-form" onSubmit={submit} noValidate aria-describedby={`${prefix}-required`}>
      <p id={`${prefix}-required`} className="muted small">
        {t('patientForm.requiredNote')}
      </p>

      <fieldset className="form-section">
        <legend>{t('patientForm.sections.identity')}</legend>
        <div className="grid-2">
          <TextField
            label={t('patients.givenName')}
            name="givenName"
            value={values.givenName}
            onChange={(e) => set('givenName', e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
            error={errorAt('givenName')}
          />
          <TextField
            label={t('patients.familyName')}
            name="familyName"
            value={values.familyName}
            onChange={(e) => set('familyName', e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
            error={errorAt('familyName')}
          />
          <TextField
            label={t('patientForm.preferredName')}
            name="preferredName"
            value={values.preferredName}
            onChange={(e) => set('preferredName', e.target.value)}
            maxLength={100}
            autoComplete="off"
            error={errorAt('preferredName')}
          />
          <TextField
            label={t('patients.dateOfBirth')}
            name="dateOfBirth"
            type="date"
            max={localToday()}
            value={values.dateOfBirth}
            onChange={(e) => set('dateOfBirth', e.target.value)}
            error={errorAt('dateOfBirth')}
          />
          <SelectField
            label={t('patientRecord.sex')}
            name="sex"
            value={values.sex}
            onChange={(e) => set('sex', e.target.value as PatientFormValues['sex'])}
            error={errorAt('sex')}
          >
            {PATIENT_SEXES.map((sex) => (
              <option key={sex} value={sex}>
                {t(`patientRecord.sexes.${sex}`)}
              </option>
            ))}
          </SelectField>
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>{t('patientForm.sections.contact')}</legend>
        <p className="field-hint" id={`${prefix}-phones-hint`}>
          {t('patientForm.phonesHint')}
        </p>
        <ul className="patient-phone-rows" ref={phonesRef} tabIndex={-1}>
          {values.phones.map((row, index) => {
            const n = several ? index + 1 : undefined;
            const numberError = errorAt(`phones.${row.key}.number`);
            return (
              <li key={row.key} className="patient-phone-row">
                <TextField
                  id={`${prefix}-phone-${row.key}`}
                  className="patient-phone-number"
                  label={n ? t('patientForm.phoneN', { n }) : t('common.phone')}
                  name={`phone-${row.key}`}
                  type="tel"
                  inputMode="tel"
                  autoComplete="off"
                  maxLength={30}
                  aria-describedby={`${prefix}-phones-hint${numberError ? ` ${prefix}-phone-${row.key}-error` : ''}`}
                  value={row.number}
                  onChange={(e) => setRow(row.key, { number: e.target.value })}
                  error={numberError}
                />
                <SelectField
                  className="patient-phone-label"
                  label={t('patientForm.phoneKind')}
                  aria-label={n ? t('patientForm.phoneKindN', { n }) : undefined}
                  name={`phone-${row.key}-label`}
                  value={row.label}
                  onChange={(e) => setRow(row.key, { label: e.target.value as PhoneRow['label'] })}
                  error={errorAt(`phones.${row.key}.label`)}
                >
                  {PHONE_LABELS.map((label) => (
                    <option key={label} value={label}>
                      {t(`patientForm.phoneKinds.${label}`)}
                    </option>
                  ))}
                </SelectField>
                <label className="checkbox patient-phone-whatsapp">
                  <input
                    type="checkbox"
                    name={`phone-${row.key}-whatsapp`}
                    checked={row.isWhatsApp}
                    aria-label={n ? t('patientForm.whatsAppN', { n }) : undefined}
                    aria-invalid={whatsAppError && row.isWhatsApp ? true : undefined}
                    aria-describedby={`${prefix}-phones-hint${whatsAppError ? ` ${prefix}-whatsapp-error` : ''}`}
                    onChange={(e) => {
                      onChange({ ...values, phones: setWhatsApp(values.phones, row.key, e.target.checked) });
                      forget('phones');
                    }}
                  />
                  WhatsApp
                </label>
                {several && (
                  <Button
                    variant="ghost"
                    className="patient-phone-remove"
                    aria-label={t('patientForm.removePhoneN', { n: index + 1 })}
                    onClick={() => removePhone(row.key)}
                  >
                    {t('patientForm.removePhone')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
        {whatsAppError && (
          <p id={`${prefix}-whatsapp-error`} className="field-error">
            {whatsAppError}
          </p>
        )}
        {values.phones.length < MAX_PHONES ? (
          <Button variant="ghost" onClick={addPhone}>
            + {t('patientForm.addPhone')}
          </Button>
        ) : (
          <p className="muted small">{t('patientForm.maxPhones', { count: MAX_PHONES })}</p>
        )}
        <div className="grid-2 form-section-rest">
          <TextField
            label={t('common.email')}
            name="email"
            type="email"
            inputMode="email"
            autoComplete="off"
            maxLength={254}
            value={values.email}
            onChange={(e) => set('email', e.target.value)}
            error={errorAt('email')}
          />
          <SelectField
            label={t('patientRecord.language')}
            name="preferredLanguage"
            hint={t('patientForm.languageHint')}
            value={values.preferredLanguage}
            onChange={(e) => set('preferredLanguage', e.target.value as PatientFormValues['preferredLanguage'])}
            error={errorAt('preferredLanguage')}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`patientRecord.languages.${language}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <TextAreaField
          label={t('patientRecord.address')}
          name="address"
          rows={2}
          maxLength={500}
          autoComplete="off"
          value={values.address}
          onChange={(e) => set('address', e.target.value)}
          error={errorAt('address')}
        />
      </fieldset>

      <GuardianFields
        practiceId={practiceId}
        patientId={patientId}
        values={values}
        onKindChange={(kind) => set('guardianKind', kind)}
        onPatientChange={(picked) => set('guardianPatient', picked)}
        onContactChange={(contact) => set('guardianContact', contact)}
        errorAt={errorAt}
      />

      <fieldset className="form-section">
        <legend>{editing ? t('patientForm.sections.statusAndNotes') : t('patientForm.sections.notes')}</legend>
        {editing && (
          <fieldset
            className="plain status-choice"
            aria-describedby={errorAt('status') ? `${prefix}-status-error` : undefined}
          >
            <legend className="field-label">{t('patientRecord.statusLabel')}</legend>
            {PATIENT_STATUSES.map((status) => (
              <div key={status} className="status-option">
                <label className="radio">
                  <input
                    type="radio"
                    name="status"
                    value={status}
                    checked={values.status === status}
                    onChange={() => set('status', status)}
                    aria-describedby={`${prefix}-status-${status}`}
                  />
                  <span className={`status-pill patient-status-${status}`}>{t(`patientRecord.status.${status}`)}</span>
                </label>
                <p id={`${prefix}-status-${status}`} className="muted small">
                  {t(`patientForm.statusHints.${status}`)}
                </p>
              </div>
            ))}
            {errorAt('status') && (
              <p id={`${prefix}-status-error`} className="field-error">
                {errorAt('status')}
              </p>
            )}
          </fieldset>
        )}
        <TextAreaField
          label={t('patientRecord.adminNotes')}
          name="notes"
          hint={t('patientForm.notesHint')}
          rows={3}
          maxLength={4000}
          value={values.notes}
          onChange={(e) => set('notes', e.target.value)}
          error={errorAt('notes')}
        />
      </fieldset>

      {beforeActions}
      {Object.keys(problems).length > 0 ? (
        <div className="form-problems" tabIndex={-1}>
          <p role="alert" className="field-error">
            {t('patientForm.fixProblems', { count: Object.keys(problems).length })}
          </p>
        </div>
      ) : (
        serverError != null && (
          <div className="form-problems" tabIndex={-1}>
            <ErrorAlert error={serverError} />
            {unplaced.length > 0 && (
              <ul className="field-error">
                {unplaced.map((e) => (
                  <li key={`${e.path}:${e.message}`}>
                    <span className="mono">{e.path}</span>: {say(e)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )
      )}
      <div className="actions">
        <Button
          type="submit"
          variant="primary"
          busy={busy}
          disabled={submitDisabled}
          aria-describedby={submitDisabled && submitBlockedHint ? `${prefix}-blocked` : undefined}
        >
          {submitLabel}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        {submitDisabled && submitBlockedHint && (
          <p id={`${prefix}-blocked`} className="muted small">
            {submitBlockedHint}
          </p>
        )}
      </div>
    </form>
  );
}
