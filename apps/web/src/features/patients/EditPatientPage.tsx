import type { Patient, PatientSummary, PatientUpdate } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, isApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { patientName } from '../scheduling/scheduling.api';
import { useCurrentPractice } from '../shell/AppShell';
import { MergedNotice } from './MergePatientPage';
import { FORM_FIELD_LABELS, type FormField, type RebasedEdit, rebaseEdit } from './concurrent-edit';
import { PatientDetailsForm } from './PatientDetailsForm';
import { type PatientFormValues, patientFormFrom, toPatientPatch } from './patient-form';
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
  const guardianSummary: PatientSummary | null = guardianId
    ? (guardian.data ?? {
        id: guardianId,
        givenName: t('patientForm.guardianUnknown'),
        familyName: '',
        phone: '',
        dateOfBirth: null,
      })
    : null;
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

/** The version the form started from: its record, and its guardian as shown. */
interface EditBase {
  patient: Patient;
  guardian: PatientSummary | null;
}

function EditPatientForm({
  practiceId,
  patient,
  guardian,
  recordUrl,
}: {
  practiceId: string;
  patient: Patient;
  guardian: PatientSummary | null;
  recordUrl: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [base, setBase] = useState<EditBase>({ patient, guardian });
  const [values, setValues] = useState(() => patientFormFrom(patient, guardian));
  // What the user has typed by now, for a refusal that arrives after more typing.
  const typed = useRef(values);
  const change = (next: PatientFormValues) => {
    typed.current = next;
    setValues(next);
  };
  const [changedMeanwhile, setChangedMeanwhile] = useState<(RebasedEdit & { latest: PatientFormValues }) | null>(null);

  /** Someone saved first: their version becomes the base, with the user's changes on top. */
  const rebaseOnto = async (current: Patient) => {
    const currentGuardian = await guardianSummary(current.guardianPatientId);
    const latest = patientFormFrom(current, currentGuardian.summary);
    const rebased = rebaseEdit(typed.current, patientFormFrom(base.patient, base.guardian), latest);
    setBase({ patient: current, guardian: currentGuardian.summary });
    change(rebased.values);
    setChangedMeanwhile({ ...rebased, latest });
    // The page shows the newer record too, once its guardian is at hand (the page waits for a guardian it lacks, which would close this form).
    if (currentGuardian.loaded) queryClient.setQueryData(patientKeys.patient(practiceId, current.id), current);
  };
  const guardianSummary = async (id: string | null): Promise<{ summary: PatientSummary | null; loaded: boolean }> => {
    if (!id) return { summary: null, loaded: true };
    try {
      return {
        summary: await queryClient.fetchQuery({
          queryKey: patientKeys.patient(practiceId, id),
          queryFn: () => api.get<Patient>(`/practices/${practiceId}/patients/${id}`),
        }),
        loaded: true,
      };
    } catch {
      return {
        summary: { id, givenName: t('patientForm.guardianUnknown'), familyName: '', phone: '', dateOfBirth: null },
        loaded: false,
      };
    }
  };

  const save = useMutation({
    mutationFn: (update: PatientUpdate) =>
      api.patch<Patient>(`/practices/${practiceId}/patients/${patient.id}`, update),
    onSuccess: (saved) => {
      queryClient.setQueryData(patientKeys.patient(practiceId, patient.id), saved);
      // Names, numbers and status show in searches and lists too; a death cancels appointments.
      void queryClient.invalidateQueries({ queryKey: ['patients', practiceId] });
      if (saved.status !== base.patient.status)
        void queryClient.invalidateQueries({ queryKey: ['scheduling', practiceId] });
      toast(t('patientForm.saved', { name: patientName(saved) }));
      navigate(recordUrl);
    },
    onError: (error) => {
      const current = isApiError(error, 'patient_changed') ? (error.extra.current as Patient | undefined) : undefined;
      if (current) void rebaseOnto(current);
    },
  });
  const submit = () => {
    const patch = toPatientPatch(values, base.patient);
    if (Object.keys(patch).length === 0) {
      toast(t('patientForm.nothingChanged'), 'info');
      navigate(recordUrl);
      return;
    }
    save.mutate({ ...patch, expectedVersion: base.patient.version });
  };
  return (
    <PatientDetailsForm
      practiceId={practiceId}
      patientId={patient.id}
      values={values}
      onChange={change}
      onSubmit={submit}
      onCancel={() => navigate(recordUrl)}
      submitLabel={t('common.save')}
      busy={save.isPending}
      // The conflict has its own notice, just above the buttons.
      serverError={isApiError(save.error, 'patient_changed') ? null : save.error}
      beforeActions={
        changedMeanwhile && (
          <ChangedMeanwhile
            theirs={changedMeanwhile.theirs}
            both={changedMeanwhile.both}
            onDiscard={() => {
              change(changedMeanwhile.latest);
              setChangedMeanwhile(null);
            }}
          />
        )
      }
    />
  );
}

/** Says that someone else saved first, what they changed, and what both changed. */
function ChangedMeanwhile({
  theirs,
  both,
  onDiscard,
}: {
  theirs: FormField[];
  both: FormField[];
  onDiscard: () => void;
}) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new conflict reported moves the focus to this notice again.
  useEffect(() => ref.current?.focus(), [theirs, both]);
  const list = (fields: FormField[]) =>
    new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(fields.map((f) => t(FORM_FIELD_LABELS[f])));
  return (
    <div ref={ref} tabIndex={-1} className="form-problems patient-changed">
      <Alert tone="warning" title={t('patientForm.conflict.title')}>
        <p>{t('patientForm.conflict.kept')}</p>
        {theirs.length > 0 && <p>{t('patientForm.conflict.theirs', { fields: list(theirs) })}</p>}
        {both.length > 0 && <p>{t('patientForm.conflict.both', { fields: list(both) })}</p>}
        <p>{t('patientForm.conflict.saveAgain')}</p>
        <Button variant="ghost" onClick={onDiscard}>
          {t('patientForm.conflict.discard')}
        </Button>
      </Alert>
    </div>
  );
}
