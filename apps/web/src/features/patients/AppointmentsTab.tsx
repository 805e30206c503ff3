import type { Appointment } from '@dentalpro/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useAppointmentTypes, useChairs, useProviders, useTypeName } from '../scheduling/scheduling.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { wallTimeOf } from '../scheduling/zoned-time';

interface AppointmentsTabProps {
  practiceId: string;
  timeZone: string;
  query: UseQueryResult<{ items: Appointment[] }>;
}

/** Every appointment of the patient, newest first. */
export function AppointmentsTab({ practiceId, timeZone, query }: AppointmentsTabProps) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const typeName = useTypeName();
  const types = useAppointmentTypes(practiceId);
  const providers = useProviders(practiceId);
  const chairs = useChairs(practiceId);
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} />;
  const items = [...query.data.items].sort((x, y) => y.start.localeCompare(x.start));
  return (
    <section aria-labelledby="appointments-heading">
      <h2 id="appointments-heading" className="section-title">
        {t('patients.appointments')}
      </h2>
      {items.length === 0 ? (
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
                    <Link to={`/app/${practiceId}/calendar?date=${wallTimeOf(a.start, timeZone).day}`}>
                      {fmt.dateTime(a.start)}
                    </Link>
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
    </section>
  );
}
