import type { PatientSummary } from '@dentalpro/contracts';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field';
import { PatientPicker } from '../scheduling/PatientPicker';
import type { GuardianKind, PatientFormValues } from './patient-form';

const GUARDIAN_KINDS: readonly GuardianKind[] = ['none', 'patient', 'contact'];

interface GuardianFieldsProps {
  practiceId: string;
  /** The patient being edited: not offered as their own guardian. */
  patientId: string | undefined;
  values: PatientFormValues;
  onKindChange: (kind: GuardianKind) => void;
  onPatientChange: (patient: PatientSummary | null) => void;
  onContactChange: (contact: PatientFormValues['guardianContact']) => void;
  /** The message to show at a form path, if any. */
  errorAt: (path: string) => string | undefined;
}

/** Who is responsible for the patient: nobody, another patient found by search (the booking picker), or a contact. */
export function GuardianFields({
  practiceId,
  patientId,
  values,
  onKindChange,
  onPatientChange,
  onContactChange,
  errorAt,
}: GuardianFieldsProps) {
  const { t } = useTranslation();
  const prefix = useId();
  const guardianPatientError = errorAt('guardianPatientId');
  // A refusal about the guardian as a whole, or about a guardian patient no longer chosen.
  const guardianError =
    errorAt('guardianContact') ?? (values.guardianKind !== 'patient' ? guardianPatientError : undefined);
  return (
    <fieldset
      className="form-section"
      aria-describedby={`${prefix}-guardian-hint${guardianError ? ` ${prefix}-guardian-error` : ''}`}
    >
      <legend>{t('patientRecord.guardian')}</legend>
      <p className="field-hint" id={`${prefix}-guardian-hint`}>
        {t('patientForm.guardianHint')}
      </p>
      <div className="radio-row" role="radiogroup" aria-label={t('patientForm.guardianKindLabel')}>
        {GUARDIAN_KINDS.map((kind) => (
          <label key={kind} className="radio">
            <input
              type="radio"
              name={`${prefix}-guardian-kind`}
              value={kind}
              checked={values.guardianKind === kind}
              onChange={() => onKindChange(kind)}
            />
            {t(`patientForm.guardianKinds.${kind}`)}
          </label>
        ))}
      </div>
      {values.guardianKind === 'patient' && (
        <div className="guardian-picker">
          <PatientPicker
            practiceId={practiceId}
            value={values.guardianPatient}
            onChange={onPatientChange}
            label={t('patientForm.guardianPatient')}
            allowNew={false}
            excludeId={patientId}
            error={guardianPatientError}
          />
        </div>
      )}
      {values.guardianKind === 'contact' && (
        <div className="grid-2">
          <TextField
            label={t('patientForm.guardianName')}
            name="guardianName"
            autoComplete="off"
            maxLength={100}
            required
            value={values.guardianContact.name}
            onChange={(e) => onContactChange({ ...values.guardianContact, name: e.target.value })}
            error={errorAt('guardianContact.name')}
          />
          <TextField
            label={t('patientForm.guardianPhone')}
            name="guardianPhone"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            maxLength={30}
            required
            value={values.guardianContact.phone}
            onChange={(e) => onContactChange({ ...values.guardianContact, phone: e.target.value })}
            error={errorAt('guardianContact.phone')}
          />
          <TextField
            label={t('patientForm.guardianRelationship')}
            name="guardianRelationship"
            hint={t('patientForm.guardianRelationshipHint')}
            autoComplete="off"
            maxLength={60}
            value={values.guardianContact.relationship}
            onChange={(e) => onContactChange({ ...values.guardianContact, relationship: e.target.value })}
            error={errorAt('guardianContact.relationship')}
          />
        </div>
      )}
      {guardianError && (
        <p id={`${prefix}-guardian-error`} className="field-error">
          {guardianError}
        </p>
      )}
    </fieldset>
  );
}
