import type { Patient, PatientPatch, PatientSummary } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { patientName } from '../scheduling/scheduling.api';
import { useCurrentPractice } from '../shell/AppShell';
import { MergedNotice } from './MergePatientPage';
import { PatientDetailsForm } from './PatientDetailsForm';
import { patientFormFrom, toPatientPatch } from './patient-form';
import { patientKeys, usePatient } from './patients.api';

/** A page, like the merge screen: the form is long, and a tablet shows it better full width than in a dialog. */
export function EditPatientPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const { patientId = '' } = useParams();
  const patient = usePatient(practiceId, patientId);
  const guardianId = patient.data?.guardianPatientId ?? null;
  const guardian = usePatient(practiceId, guardianId ?? '', guardianId !== null);
  const recordUrl = `/app/${practiceId}/patients/${patientId}`;

  if (patient.isPending || (guardianId && guardian.isPending)) return <Loading />;
  if (patient.isError) return <ErrorAlert error={patient.error} />;
  const p = patient.data;
  // A guardian that cannot be read any more is still named by its id, so saving keeps it.
  const guardianSummary: PatientSummary | null = guardianId ? (guardian.data ?? { id: guardianId, givenName: t('patientForm.guardianUnknown'), familyName: '', phone: '', dateOfBirth: null }) : null;
  return (
    <div className="patient-edit">
      <p>
        <Link to={recordUrl}>← {patientName(p)}</Link>
      </p>
      <h1>{t('patientForm.editTitle', { name: patientName(p) })}</h1>
      {!can('patients:write') ? (
        <Alert tone="error" title={t('errors.forbidden')} />
      ) : p.mergedIntoId ? (
        <MergedNotice practiceId={practiceId} survivorId={p.mergedIntoId} />
      ) : (
        <div className="card form-card">
          <EditPatientForm practiceId={practiceId} patient={p} guardian={guardianSummary} recordUrl={recordUrl} />
        </div>
      )}
    </div>
  );
}

function EditPatientForm({ practiceId, patient, guardian, recordUrl }: { practiceId: string; patient: Patient; guardian: PatientSummary | null; recordUrl: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(() => patientFormFrom(patient, guardian));
  const save = useMutation({
    mutationFn: (patch: PatientPatch) => api.patch<Patient>(`/practices/${practiceId}/patients/${patient.id}`, patch),
    onSuccess: (saved) => {
      queryClient.setQueryData(patientKeys.patient(practiceId, patient.id), saved);
      // Names, numbers and status show in searches and lists too.
      void queryClient.invalidateQueries({ queryKey: ['patients', practiceId] });
      toast(t('patientForm.saved', { name: patientName(saved) }));
      navigate(recordUrl);
    },
  });
  const submit = () => {
    const patch = toPatientPatch(values, patient);
    if (Object.keys(patch).length === 0) {
      toast(t('patientForm.nothingChanged'), 'info');
      navigate(recordUrl);
      return;
    }
    save.mutate(patch);
  };
  return (
    <PatientDetailsForm
      practiceId={practiceId}
      patientId={patient.id}
      values={values}
      onChange={setValues}
      onSubmit={submit}
      onCancel={() => navigate(recordUrl)}
      submitLabel={t('common.save')}
      busy={save.isPending}
      serverError={save.error}
    />
  );
}
