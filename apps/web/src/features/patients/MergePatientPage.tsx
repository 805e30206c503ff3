import type { Patient, PatientSummary } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPhone, useDayFormat } from '../../components/format';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { PatientPicker } from '../scheduling/PatientPicker';
import { patientName } from '../scheduling/scheduling.api';
import { useCurrentPractice } from '../shell/AppShell';
import { patientKeys, patientsApi, usePatient, usePatientAppointments, usePatientDuplicates } from './patients.api';

/** On a merged record's page: it is only a pointer now, to the record that was kept. */
export function MergedNotice({ practiceId, survivorId }: { practiceId: string; survivorId: string }) {
  const { t } = useTranslation();
  const survivor = usePatient(practiceId, survivorId);
  return (
    <Alert tone="info" title={t('patients.merge.mergedTitle')}>
      <p>
        {t('patients.merge.mergedText')}{' '}
        <Link to={`/app/${practiceId}/patients/${survivorId}`}>
          {survivor.data ? patientName(survivor.data) : t('patients.merge.survivorLink')}
        </Link>
      </p>
    </Alert>
  );
}

/**
 * Merge this patient into another record: pick the record to keep (a likely duplicate or any
 * patient found by search), compare the two, confirm, and land on the kept record.
 */
export function MergePatientPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const { patientId = '' } = useParams();
  const patient = usePatient(practiceId, patientId);
  const allowed = can('patients:merge');
  const recordUrl = `/app/${practiceId}/patients/${patientId}`;

  if (patient.isPending) return <Loading />;
  if (patient.isError) return <ErrorAlert error={patient.error} />;
  const p = patient.data;
  return (
    <div className="merge-page">
      <p>
        <Link to={recordUrl}>← {patientName(p)}</Link>
      </p>
      <h1>{t('patients.merge.title', { name: patientName(p) })}</h1>
      {!allowed ? (
        <Alert tone="error" title={t('errors.forbidden')} />
      ) : p.mergedIntoId ? (
        <MergedNotice practiceId={practiceId} survivorId={p.mergedIntoId} />
      ) : (
        <MergeSteps practiceId={practiceId} patient={p} />
      )}
    </div>
  );
}

function MergeSteps({ practiceId, patient }: { practiceId: string; patient: Patient }) {
  const { t } = useTranslation();
  const duplicates = usePatientDuplicates(practiceId, patient.id, true);
  const [survivor, setSurvivor] = useState<PatientSummary | null>(null);
  const compareHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (survivor) compareHeading.current?.focus();
  }, [survivor]);
  const formatDay = useDayFormat();
  const items = duplicates.data?.items ?? [];
  return (
    <div className="stack-lg">
      <section aria-labelledby="merge-what-moves" className="card form-card">
        <h2 id="merge-what-moves">{t('patients.merge.howTitle')}</h2>
        <ul>
          <li>{t('patients.merge.moves.records')}</li>
          <li>{t('patients.merge.moves.phones')}</li>
          <li>{t('patients.merge.moves.fields')}</li>
          <li>{t('patients.merge.moves.pointer')}</li>
        </ul>
        <p className="muted">{t('patients.merge.cannotUndo')}</p>
      </section>

      <section aria-labelledby="merge-choose">
        <h2 id="merge-choose">{t('patients.merge.chooseTitle')}</h2>
        <h3>{t('patients.merge.likelyDuplicates')}</h3>
        {duplicates.isPending ? (
          <Loading />
        ) : duplicates.isError ? (
          <ErrorAlert error={duplicates.error} />
        ) : items.length === 0 ? (
          <p className="muted">{t('patients.merge.noDuplicates')}</p>
        ) : (
          <ul className="duplicate-list merge-candidates" aria-label={t('patients.merge.likelyDuplicates')}>
            {items.map((candidate) => (
              <li key={candidate.id}>
                <span>
                  <strong>{patientName(candidate)}</strong>
                  <span className="block small muted">
                    {t('patients.dateOfBirth')}: {candidate.dateOfBirth ? formatDay(candidate.dateOfBirth) : '—'} ·{' '}
                    {t('common.phone')}:{' '}
                    <span className="mono nowrap">{candidate.phone ? formatPhone(candidate.phone) : '—'}</span>
                  </span>
                </span>
                <Button
                  variant={survivor?.id === candidate.id ? 'primary' : 'secondary'}
                  aria-pressed={survivor?.id === candidate.id}
                  aria-label={`${t('patients.merge.keepThis')}: ${patientName(candidate)}`}
                  onClick={() => setSurvivor(candidate)}
                >
                  {t('patients.merge.keepThis')}
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className="merge-search">
          <PatientPicker
            practiceId={practiceId}
            value={null}
            onChange={(picked) => picked && setSurvivor(picked)}
            label={t('patients.merge.searchLabel')}
            allowNew={false}
          />
        </div>
      </section>

      {survivor && (
        <section aria-labelledby="merge-compare">
          <h2 id="merge-compare" ref={compareHeading} tabIndex={-1}>
            {t('patients.merge.compareTitle')}
          </h2>
          <Comparison key={survivor.id} practiceId={practiceId} merged={patient} survivorId={survivor.id} />
        </section>
      )}
    </div>
  );
}

function Comparison({ practiceId, merged, survivorId }: { practiceId: string; merged: Patient; survivorId: string }) {
  const { t } = useTranslation();
  const { can } = useCurrentPractice();
  const navigate = useNavigate();
  const toast = useToast();
  const formatDay = useDayFormat();
  const queryClient = useQueryClient();
  const survivor = usePatient(practiceId, survivorId);
  const [confirming, setConfirming] = useState(false);
  const merge = useMutation({
    mutationFn: () => patientsApi.merge(practiceId, merged.id, survivorId),
    onSuccess: ({ survivor: kept }) => {
      // Appointments, the clinical record and conversations changed hands: nothing cached about either
      // patient holds. Marked stale only, so the pages that need them ask again; the merged record's
      // appointments (refused from now on) are dropped rather than asked for.
      queryClient.removeQueries({ queryKey: ['scheduling', practiceId, 'appointments', 'patient', merged.id] });
      for (const root of ['patients', 'scheduling', 'clinical', 'inbox'])
        void queryClient.invalidateQueries({ queryKey: [root, practiceId], refetchType: 'none' });
      toast(t('patients.merge.done', { name: patientName(merged), into: patientName(kept) }));
      navigate(`/app/${practiceId}/patients/${kept.id}`);
    },
    onError: async () => {
      // The kept record may have been merged meanwhile (from another tab): show it as it is now.
      await queryClient.invalidateQueries({ queryKey: patientKeys.patient(practiceId, survivorId) });
    },
    onSettled: () => setConfirming(false),
  });
  const counts = can('calendar:read');
  const mergedAppointments = usePatientAppointments(practiceId, merged.id, counts && !merge.isSuccess);
  const survivorAppointments = usePatientAppointments(practiceId, survivorId, counts);

  if (survivor.isPending) return <Loading />;
  if (survivor.isError) return <ErrorAlert error={survivor.error} />;
  const kept = survivor.data;
  // One number a line, never broken at its spaces.
  const phones = (p: Patient) =>
    p.phones.length
      ? p.phones.map((phone) => (
          <span key={phone.e164} className="block nowrap">
            {formatPhone(phone.e164)}
          </span>
        ))
      : '—';
  const birthDate = (p: Patient) => (p.dateOfBirth ? formatDay(p.dateOfBirth) : '—');
  const appointmentCount = (query: typeof mergedAppointments) =>
    query.data ? String(query.data.items.length) : query.isError ? '—' : '…';
  const rows: { label: string; merged: ReactNode; kept: ReactNode; mono?: boolean }[] = [
    { label: t('common.name'), merged: patientName(merged), kept: patientName(kept) },
    { label: t('patients.dateOfBirth'), merged: birthDate(merged), kept: birthDate(kept) },
    { label: t('patientRecord.phones'), merged: phones(merged), kept: phones(kept), mono: true },
    { label: t('common.email'), merged: merged.email || '—', kept: kept.email || '—' },
    { label: t('patientRecord.address'), merged: merged.address || '—', kept: kept.address || '—' },
    ...(counts
      ? [
          {
            label: t('patients.appointments'),
            merged: appointmentCount(mergedAppointments),
            kept: appointmentCount(survivorAppointments),
          },
        ]
      : []),
  ];
  const problem = merge.error;
  const problemTitle =
    isApiError(problem, 'patient_merge_invalid') || isApiError(problem, 'patient_already_merged')
      ? t(`patients.merge.errors.${problem.code}`)
      : null;
  return (
    <div className="stack">
      {kept.mergedIntoId && (
        <Alert tone="warning" title={t('patients.merge.survivorMerged')}>
          <Link to={`/app/${practiceId}/patients/${kept.mergedIntoId}`}>{t('patients.merge.survivorLink')}</Link>
        </Alert>
      )}
      <div className="table-wrap">
        <table className="merge-compare">
          <caption className="visually-hidden">
            {t('patients.merge.compareCaption', { name: patientName(merged), into: patientName(kept) })}
          </caption>
          <thead>
            <tr>
              <td />
              <th scope="col">
                {t('patients.merge.mergedColumn')}
                <span className="block small muted">{t('patients.merge.mergedColumnHint')}</span>
              </th>
              <th scope="col">
                {t('patients.merge.keptColumn')}
                <span className="block small muted">{t('patients.merge.keptColumnHint')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td className={row.mono ? 'mono' : undefined}>{row.merged}</td>
                <td className={row.mono ? 'mono' : undefined}>{row.kept}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problem && (problemTitle ? <Alert tone="error" title={problemTitle} /> : <ErrorAlert error={problem} />)}
      <div className="actions">
        <Button variant="danger" onClick={() => setConfirming(true)}>
          {t('patients.merge.mergeButton', { into: patientName(kept) })}
        </Button>
        <Link className="button button-ghost" to={`/app/${practiceId}/patients/${merged.id}`}>
          {t('common.cancel')}
        </Link>
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('patients.merge.confirmTitle', { name: patientName(merged), into: patientName(kept) })}
        confirmLabel={t('patients.merge.confirm')}
        busy={merge.isPending}
        onConfirm={() => merge.mutate()}
        onCancel={() => setConfirming(false)}
      >
        <p>{t('patients.merge.confirmText', { name: patientName(merged), into: patientName(kept) })}</p>
      </ConfirmDialog>
    </div>
  );
}
