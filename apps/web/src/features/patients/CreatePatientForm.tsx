import type { PatientCreated, PatientInput, PatientSummary } from '@dentalpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { DuplicateWarning, useDuplicateGate } from './DuplicateWarning';
import { PatientDetailsForm } from './PatientDetailsForm';
import { emptyPatientForm, toPatientInput } from './patient-form';

interface CreatePatientFormProps {
  practiceId: string;
  /** What was typed in the search box: it starts the name, the phone or the birth date. */
  searchText?: string;
  onCreated: (patient: PatientCreated) => void;
  onCancel: () => void;
  /** A likely duplicate was the right patient after all. */
  onPickExisting: (patient: PatientSummary) => void;
}

/** A new patient with every detail; a likely duplicate must be looked at first, as in the quick form. */
export function CreatePatientForm({
  practiceId,
  searchText,
  onCreated,
  onCancel,
  onPickExisting,
}: CreatePatientFormProps) {
  const { t } = useTranslation();
  const [values, setValues] = useState(() => emptyPatientForm(searchText));
  const gate = useDuplicateGate(practiceId, {
    givenName: values.givenName,
    familyName: values.familyName,
    preferredName: values.preferredName,
    dateOfBirth: values.dateOfBirth,
    phones: values.phones.map((r) => r.number),
  });
  const create = useMutation({
    mutationFn: (input: PatientInput) => api.post<PatientCreated>(`/practices/${practiceId}/patients`, input),
    onSuccess: onCreated,
  });
  const submit = async () => {
    if (!(await gate.clear())) return;
    create.mutate(toPatientInput(values));
  };
  return (
    <PatientDetailsForm
      practiceId={practiceId}
      values={values}
      onChange={setValues}
      onSubmit={() => void submit()}
      onCancel={onCancel}
      submitLabel={t('patients.create')}
      busy={create.isPending || gate.checking}
      serverError={create.error}
      beforeActions={<DuplicateWarning {...gate.warning} onPick={onPickExisting} />}
      submitDisabled={gate.blocked}
      submitBlockedHint={t('patients.duplicates.createBlocked')}
      focusFirstField
    />
  );
}
