import type { Appointment, PatientSummary } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { usePractice } from '../practices/practices.api';
import { patientName, useAppointmentTypes, useChairs, useProviders, useTypeName } from '../scheduling/scheduling.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { wallTimeOf } from '../scheduling/zoned-time';
import { useCurrentPractice } from '../shell/AppShell';

/** One patient: contact details and every appointment, newest first. */
export function PatientPage() {
  const { t } = useTranslation();
  const { membership } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const { patientId = '' } = useParams();
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';
  const fmt = useCalendarFormat(timeZone);
  const typeName = useTypeName();
  const patient = useQuery({ queryKey: ['patients', practiceId, patientId], queryFn: () => api.get<PatientSummary>(`/practices/${practiceId}/patients/${patientId}`) });
  const history = useQuery({
    queryKey: ['scheduling', practiceId, 'appointments', 'patient', patientId],
    queryFn: () => api.get<{ items: Appointment[] }>(`/practices/${practiceId}/patients/${patientId}/appointments`),
  });
  const types = useAppointmentTypes(practiceId);
  const providers = useProviders(practiceId);
  const chairs = useChairs(practiceId);
  if (patient.isPending) return <Loading />;
  if (patient.isError) return <ErrorAlert error={patient.error} />;
  const p = patient.data;
  const items = [...(history.data?.items ?? [])].sort((x, y) => y.start.localeCompare(x.start));
  return (
    <>
      <p>
        <Link to={`/app/${practiceId}/patients`}>← {t('nav.patients')}</Link>
      </p>
      <h1>{patientName(p)}</h1>
      <dl className="summary compact form-card">
        <div>
          <dt>{t('common.phone')}</dt>
          <dd className="mono">{p.phone || '—'}</dd>
        </div>
        <div>
          <dt>{t('patients.dateOfBirth')}</dt>
          <dd>{p.dateOfBirth ?? '—'}</dd>
        </div>
      </dl>
      <h2 className="section-title">{t('patients.appointments')}</h2>
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorAlert error={history.error} />
      ) : items.length === 0 ? (
        <p className="muted">{t('patients.noAppointments')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('calendar.when')}</th>
                <th scope="col">{t('booking.type')}</th>
                <th scope="col">{t('booking.provider')}</th>
                <th scope="col">{t('booking.chair')}</th>
                <th scope="col">{t('calendar.statusLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/app/${practiceId}/calendar?date=${wallTimeOf(a.start, timeZone).day}`}>{fmt.dateTime(a.start)}</Link>
                  </td>
                  <td>{typeName(types.data?.find((x) => x.id === a.appointmentTypeId))}</td>
                  <td>{providers.data?.find((x) => x.userId === a.providerId)?.displayName ?? '—'}</td>
                  <td>{chairs.data?.find((x) => x.id === a.chairId)?.name ?? '—'}</td>
                  <td>
                    <span className={`status-pill status-${a.status}`}>{t(`calendar.status.${a.status}`)}</span>
                    {a.cancellationReason && <span className="muted small block">{a.cancellationReason}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
