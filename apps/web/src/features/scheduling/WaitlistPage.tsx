import type { Appointment, AppointmentType } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useErrorMessage } from '../../components/errors';
import { SelectField } from '../../components/Field';
import { useDayFormat } from '../../components/format';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { usePractice } from '../practices/practices.api';
import { useCurrentPractice } from '../shell/AppShell';
import { BookedNotice, BookingLauncher, nowDraft } from './BookFromAnywhere';
import type { BookingDraft } from './BookingDialog';
import { daysBetween, laterDay } from './list-dates';
import { useFocusAfterRowChange, useLoadMoreFocus } from './list-focus';
import { patientForBooking, recallsWaitlistApi, useOpenWaitlist, type WaitlistEntryBody } from './recalls-waitlist.api';
import { refreshScheduling, useAppointmentTypes, useProviders, useTypeName } from './scheduling.api';
import { WaitlistAddForm, usePreferredTimes } from './WaitlistAddForm';
import { parseClock, todayIn, wallTimeOf } from './zoned-time';

const waitlistRow = (id: string) => `tr[data-waitlist-id="${id}"]`;

/** Patients waiting for an earlier or a particular slot, by visit type, with one-step booking (issue 16). */
export function WaitlistPage() {
  const { membership } = useCurrentPractice();
  const practice = usePractice(membership.practiceId);
  const timeZone = practice.data?.timeZone;
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  if (!timeZone) return <Loading />;
  return <Waitlist practiceId={membership.practiceId} timeZone={timeZone} />;
}

function Waitlist({ practiceId, timeZone }: { practiceId: string; timeZone: string }) {
  const { t } = useTranslation();
  const { can } = useCurrentPractice();
  const canWrite = can('calendar:write');
  const toast = useToast();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const typeName = useTypeName();
  const formatDay = useDayFormat();
  const preferredTimes = usePreferredTimes();
  const today = todayIn(timeZone);
  const [typeFilter, setTypeFilter] = useState('');
  // The server filters by type and pages: a type's entries past the first page are not left out.
  const entries = useOpenWaitlist(practiceId, typeFilter);
  const types = useAppointmentTypes(practiceId);
  const providers = useProviders(practiceId);
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLDivElement>(null);

  const shown = entries.items;
  const total = entries.total ?? shown.length;
  // Grouped by visit type, in the order of the practice's types; longest waiting first within each.
  const groups = useMemo(() => {
    const byType = new Map<string, WaitlistEntryBody[]>();
    for (const entry of shown)
      byType.set(entry.appointmentTypeId, [...(byType.get(entry.appointmentTypeId) ?? []), entry]);
    const order = (types.data ?? []).map((x) => x.id);
    return [...byType.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  }, [shown, types.data]);
  const typeById = new Map<string, AppointmentType>((types.data ?? []).map((x) => [x.id, x]));
  const providerName = (id: string | null) => providers.data?.find((p) => p.userId === id)?.displayName ?? '';
  const focus = useFocusAfterRowChange(shown.length);
  const loadMore = useLoadMoreFocus(
    focus.container,
    shown.map((e) => e.id),
    waitlistRow,
    entries.fetchNextPage,
  );

  const [booking, setBooking] = useState<{ entry: WaitlistEntryBody; draft: BookingDraft } | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (booked) notice.current?.focus();
  }, [booked]);

  const setStatus = useMutation({
    mutationFn: (v: { entry: WaitlistEntryBody; status: WaitlistEntryBody['status'] }) =>
      recallsWaitlistApi.setWaitlistStatus(practiceId, v.entry.id, v.status),
    onSuccess: () => refreshScheduling(queryClient, practiceId),
  });
  // The position among the rows shown, for where the focus goes once a row leaves.
  const rowIndex = (entry: WaitlistEntryBody) => groups.flatMap(([, list]) => list).indexOf(entry);

  const startBooking = async (entry: WaitlistEntryBody) => {
    setOpening(entry.id);
    try {
      const patient = await patientForBooking(queryClient, practiceId, entry.patientId);
      const start = nowDraft(timeZone, patient);
      const day = laterDay(today, entry.earliest ?? today);
      const preferredStart = entry.preferredStart ? parseClock(entry.preferredStart) : 0;
      setBooked(null);
      setBooking({
        entry,
        draft: {
          ...start,
          day,
          minutes: Math.max(day === today ? start.minutes : 9 * 60, preferredStart),
          providerId: entry.providerId,
          appointmentTypeId: entry.appointmentTypeId,
        },
      });
    } catch (error) {
      toast(errorMessage(error));
    } finally {
      setOpening(null);
    }
  };

  const onBooked = (entry: WaitlistEntryBody, appointment: Appointment) => {
    setBooking(null);
    setBooked(appointment);
    setStatus.mutate({ entry, status: 'booked' });
  };

  return (
    <div className="list-page">
      <div className="page-head">
        <h1 ref={focus.heading} tabIndex={-1}>
          {t('waitlist.title')}
        </h1>
        {canWrite && !adding && (
          <div className="actions" ref={addButton}>
            <Button variant="primary" onClick={() => setAdding(true)}>
              + {t('waitlist.add')}
            </Button>
          </div>
        )}
      </div>
      <p className="muted">{t(canWrite ? 'waitlist.intro' : 'waitlist.introReadOnly')}</p>
      {adding && (
        <WaitlistAddForm
          practiceId={practiceId}
          types={(types.data ?? []).filter((x) => x.active)}
          providers={(providers.data ?? []).filter((p) => p.active)}
          onClose={(added) => {
            setAdding(false);
            if (added) {
              setTypeFilter((current) => (current && current !== added.appointmentTypeId ? '' : current));
              toast(t('waitlist.added', { name: added.patientName }));
            }
            // The button is back once the form is gone: focus it after the render that brings it.
            requestAnimationFrame(() => addButton.current?.querySelector('button')?.focus());
          }}
        />
      )}
      <div className="filters list-filters">
        <SelectField label={t('waitlist.type')} value={typeFilter} onChange={(e) => setTypeFilter(e.target.value)}>
          <option value="">{t('waitlist.allTypes')}</option>
          {(types.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {typeName(x)}
            </option>
          ))}
        </SelectField>
      </div>
      {booked && (
        <div ref={notice} tabIndex={-1} className="focus-target">
          <BookedNotice practiceId={practiceId} timeZone={timeZone} appointment={booked} />
        </div>
      )}
      {setStatus.isError && <ErrorAlert error={setStatus.error} />}
      {entries.isPending ? (
        <Loading />
      ) : entries.isError && !entries.isFetchNextPageError ? (
        <ErrorAlert error={entries.error} />
      ) : shown.length === 0 ? (
        <EmptyState icon={<Icon name="waitlist" size={40} />} title={t('waitlist.empty')} />
      ) : (
        <div ref={focus.container}>
          <p className="muted" aria-live="polite">
            {t('waitlist.count', { count: total })}
            {shown.length < total && ` · ${t('patients.shown', { shown: shown.length })}`}
          </p>
          {groups.map(([typeId, list]) => {
            const headingId = `waitlist-type-${typeId}`;
            return (
              <section key={typeId} className="waitlist-group" aria-labelledby={headingId}>
                <h2 id={headingId}>
                  {typeName(typeById.get(typeId))} <span className="muted">({list.length})</span>
                </h2>
                <div className="table-wrap">
                  <table className="list-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('waitlist.patient')}</th>
                        <th scope="col">{t('waitlist.preferredAndNotes')}</th>
                        <th scope="col">{t('waitlist.waiting')}</th>
                        {canWrite && <th scope="col">{t('common.actions')}</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((entry) => {
                        const days = daysBetween(wallTimeOf(entry.createdAt, timeZone).day, today);
                        return (
                          <tr key={entry.id} data-waitlist-id={entry.id}>
                            <th scope="row">
                              <Link to={`/app/${practiceId}/patients/${entry.patientId}`}>{entry.patientName}</Link>
                              {entry.providerId && (
                                <span className="muted sub-line">
                                  {t('waitlist.with', { name: providerName(entry.providerId) })}
                                </span>
                              )}
                              <span className="sub-line">
                                <span className={`status-pill waitlist-status-${entry.status}`}>
                                  {t(`waitlist.statuses.${entry.status}`)}
                                </span>
                              </span>
                            </th>
                            <td className="waitlist-preferred">
                              {preferredTimes(entry, formatDay)}
                              {entry.notes && <span className="muted sub-line waitlist-notes">{entry.notes}</span>}
                            </td>
                            <td className="nowrap">
                              {days <= 0 ? t('waitlist.addedToday') : t('waitlist.days', { count: days })}
                              <span className="muted sub-line">
                                {formatDay(wallTimeOf(entry.createdAt, timeZone).day)}
                              </span>
                            </td>
                            {canWrite && (
                              <td>
                                <div className="row-actions list-actions">
                                  <Button
                                    variant="primary"
                                    busy={opening === entry.id}
                                    onClick={() => void startBooking(entry)}
                                  >
                                    {t('waitlist.book')}
                                    <span className="visually-hidden"> {entry.patientName}</span>
                                  </Button>
                                  {/* The reminders issue adds "Offer slot" here (a WhatsApp offer), beside Book. */}
                                  {entry.status === 'waiting' && (
                                    <Button
                                      onClick={() =>
                                        setStatus.mutate(
                                          { entry, status: 'offered' },
                                          {
                                            onSuccess: () => toast(t('waitlist.offered', { name: entry.patientName })),
                                          },
                                        )
                                      }
                                    >
                                      {t('waitlist.markOffered')}
                                      <span className="visually-hidden"> {entry.patientName}</span>
                                    </Button>
                                  )}
                                  <Button
                                    variant="ghost"
                                    onClick={() => {
                                      focus.rowLeaving(rowIndex(entry));
                                      setStatus.mutate(
                                        { entry, status: 'removed' },
                                        { onSuccess: () => toast(t('waitlist.removed', { name: entry.patientName })) },
                                      );
                                    }}
                                  >
                                    {t('waitlist.remove')}
                                    <span className="visually-hidden"> {entry.patientName}</span>
                                  </Button>
                                </div>
                              </td>
                            )}
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              </section>
            );
          })}
          {entries.hasNextPage && (
            <div className="actions center">
              <Button onClick={loadMore} busy={entries.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </div>
          )}
          {entries.isFetchNextPageError && <ErrorAlert error={entries.error} />}
        </div>
      )}
      {canWrite && (
        <BookingLauncher
          practiceId={practiceId}
          timeZone={timeZone}
          draft={booking?.draft ?? null}
          onClose={() => setBooking(null)}
          onBooked={(appointment) => booking && onBooked(booking.entry, appointment)}
        />
      )}
    </div>
  );
}
