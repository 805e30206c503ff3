import type { Appointment } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextField, SelectField } from '../../components/Field';
import { formatPhone, useDayFormat } from '../../components/format';
import { useErrorMessage } from '../../components/errors';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { usePractice } from '../practices/practices.api';
import { RecallMessageLine } from '../reminders/RecallMessageLine';
import { useRecallMessages } from '../reminders/recall-messages.api';
import { useCurrentPractice } from '../shell/AppShell';
import { BookedNotice, BookingLauncher, nowDraft } from './BookFromAnywhere';
import type { BookingDraft } from './BookingDialog';
import { addMonths, laterDay, monthBounds, monthOf, monthsBefore } from './list-dates';
import { useFocusAfterRowChange, useLoadMoreFocus } from './list-focus';
import {
  type RecallBody,
  type RecallFilters,
  patientForBooking,
  recallsWaitlistApi,
  useRecalls,
} from './recalls-waitlist.api';
import { refreshScheduling, useAppointmentTypes, useProviders, useTypeName } from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';
import { isDay, todayIn } from './zoned-time';

const NOT_SEEN_MONTHS = [6, 12, 24] as const;
/** The months the "Due" filter offers after "overdue and this month": this one and the next eleven. */
const MONTHS_AHEAD = 12;

/** The front desk's call list: patients due for a recall, with one-step booking (issue 16). */
export function RecallsPage() {
  const { membership } = useCurrentPractice();
  const practice = usePractice(membership.practiceId);
  const timeZone = practice.data?.timeZone;
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  if (!timeZone) return <Loading />;
  return <RecallList practiceId={membership.practiceId} timeZone={timeZone} />;
}

function RecallList({ practiceId, timeZone }: { practiceId: string; timeZone: string }) {
  const { t } = useTranslation();
  const { can } = useCurrentPractice();
  const canWrite = can('calendar:write');
  const toast = useToast();
  const queryClient = useQueryClient();
  const fmt = useCalendarFormat(timeZone);
  const typeName = useTypeName();
  const formatDay = useDayFormat();
  const formatMonth = useMonthFormat();
  const errorMessage = useErrorMessage();
  const [params, setParams] = useSearchParams();
  const today = todayIn(timeZone);
  const thisMonth = monthOf(today);
  const months = useMemo(() => Array.from({ length: MONTHS_AHEAD }, (_, i) => addMonths(thisMonth, i)), [thisMonth]);
  const month = months.includes(params.get('month') ?? '') ? (params.get('month') as string) : '';
  const providerId = params.get('provider') ?? '';
  const notSeen = NOT_SEEN_MONTHS.find((m) => String(m) === params.get('notSeen'));
  const setParam = (key: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const filters: RecallFilters = {
    ...(month
      ? { dueFrom: monthBounds(month).first, dueBefore: monthBounds(month).last }
      : { dueBefore: monthBounds(thisMonth).last }),
    providerId: providerId || undefined,
    lastVisitBefore: notSeen ? monthsBefore(today, notSeen) : undefined,
  };
  const recalls = useRecalls(practiceId, filters);
  const providers = useProviders(practiceId);
  const types = useAppointmentTypes(practiceId);
  const providerName = (id: string | null) => providers.data?.find((p) => p.userId === id)?.displayName ?? '';
  const items = recalls.items;
  const total = recalls.total ?? items.length;
  const focus = useFocusAfterRowChange(items.length);
  const messages = useRecallMessages(
    practiceId,
    items.map((r) => r.id),
  );
  const loadMore = useLoadMoreFocus(
    focus.container,
    items.map((r) => r.id),
    recallRow,
    recalls.fetchNextPage,
  );

  const [booking, setBooking] = useState<{ recall: RecallBody; draft: BookingDraft } | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const [redating, setRedating] = useState<RecallBody | null>(null);
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (booked) notice.current?.focus();
  }, [booked]);

  const refresh = () => refreshScheduling(queryClient, practiceId);
  const update = useMutation({
    mutationFn: (v: { recall: RecallBody; patch: { status?: RecallBody['status']; dueDate?: string } }) =>
      recallsWaitlistApi.updateRecall(practiceId, v.recall.id, v.patch),
    onSuccess: () => refresh(),
  });

  const startBooking = async (recall: RecallBody) => {
    setOpening(recall.id);
    try {
      const patient = await patientForBooking(queryClient, practiceId, recall.patientId);
      const start = nowDraft(timeZone, patient);
      const day = laterDay(today, recall.dueDate);
      setBooked(null);
      setBooking({
        recall,
        draft: {
          ...start,
          day,
          minutes: day === today ? start.minutes : 9 * 60,
          providerId: recall.providerId ?? recall.lastVisitProviderId,
          appointmentTypeId: recall.appointmentTypeId,
        },
      });
    } catch (error) {
      toast(errorMessage(error));
    } finally {
      setOpening(null);
    }
  };

  const onBooked = (recall: RecallBody, appointment: Appointment) => {
    setBooking(null);
    setBooked(appointment);
    update.mutate({ recall, patch: { status: 'booked' } });
  };

  const close = (recall: RecallBody, index: number, status: 'done' | 'cancelled') => {
    focus.rowLeaving(index);
    update.mutate(
      { recall, patch: { status } },
      {
        onSuccess: () =>
          toast(t(status === 'done' ? 'recalls.markedDone' : 'recalls.cancelled', { name: recall.patientName })),
      },
    );
  };

  return (
    <div className="list-page">
      <div className="page-head">
        <h1 ref={focus.heading} tabIndex={-1}>
          {t('recalls.title')}
        </h1>
      </div>
      <p className="muted">{t(canWrite ? 'recalls.intro' : 'recalls.introReadOnly')}</p>
      {/* biome-ignore lint/a11y/useSemanticElements: role=search is the landmark of a filter form, as on the patients list. */}
      <div role="search" aria-label={t('recalls.filters')} className="filters list-filters">
        <SelectField label={t('recalls.due')} value={month} onChange={(e) => setParam('month', e.target.value)}>
          <option value="">{t('recalls.dueNow')}</option>
          {months.map((m) => (
            <option key={m} value={m}>
              {formatMonth(m)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('recalls.provider')}
          value={providerId}
          onChange={(e) => setParam('provider', e.target.value)}
        >
          <option value="">{t('recalls.anyProvider')}</option>
          {(providers.data ?? []).map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.displayName}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('recalls.lastVisit')}
          value={notSeen ? String(notSeen) : ''}
          onChange={(e) => setParam('notSeen', e.target.value)}
        >
          <option value="">{t('recalls.anyVisit')}</option>
          {NOT_SEEN_MONTHS.map((m) => (
            <option key={m} value={m}>
              {t('recalls.notSeenFor', { count: m })}
            </option>
          ))}
        </SelectField>
      </div>
      {booked && (
        <div ref={notice} tabIndex={-1} className="focus-target">
          <BookedNotice practiceId={practiceId} timeZone={timeZone} appointment={booked} />
        </div>
      )}
      {update.isError && <ErrorAlert error={update.error} />}
      {recalls.isPending ? (
        <Loading />
      ) : recalls.isError && !recalls.isFetchNextPageError ? (
        <ErrorAlert error={recalls.error} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Icon name="recall" size={40} />} title={t('recalls.empty')} />
      ) : (
        <div ref={focus.container}>
          <p className="muted" aria-live="polite">
            {t('recalls.count', { count: total })}
            {items.length < total && ` · ${t('patients.shown', { shown: items.length })}`}
          </p>
          <div className="table-wrap">
            <table className="list-table">
              <caption className="visually-hidden">{t('recalls.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('recalls.patient')}</th>
                  <th scope="col">{t('recalls.dueAndStatus')}</th>
                  <th scope="col">{t('recalls.lastVisit')}</th>
                  {canWrite && <th scope="col">{t('common.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {items.map((recall, index) => {
                  const overdue = recall.status === 'due' && recall.dueDate < today;
                  const type = types.data?.find((x) => x.id === recall.appointmentTypeId);
                  return (
                    <tr key={recall.id} data-recall-id={recall.id}>
                      <th scope="row">
                        <Link to={`/app/${practiceId}/patients/${recall.patientId}`}>{recall.patientName}</Link>
                        {recall.patientPhone && (
                          <span className="muted mono nowrap sub-line">{formatPhone(recall.patientPhone)}</span>
                        )}
                      </th>
                      <td>
                        <span className="nowrap">{formatDay(recall.dueDate)}</span>{' '}
                        <span className={`status-pill recall-status-${overdue ? 'overdue' : recall.status}`}>
                          {overdue ? t('recalls.overdue') : t(`recalls.statuses.${recall.status}`)}
                        </span>
                        <span className="muted sub-line">
                          {[
                            type ? typeName(type) : t(`recalls.kinds.${recall.kind}`),
                            recall.providerId && providerName(recall.providerId),
                            recall.intervalMonths && t('recalls.every', { count: recall.intervalMonths }),
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </span>
                        <RecallMessageLine message={messages.data?.get(recall.id)} timeZone={timeZone} />
                      </td>
                      <td>
                        {recall.lastVisitAt ? (
                          <>
                            <span className="nowrap">{fmt.date(recall.lastVisitAt)}</span>
                            {recall.lastVisitProviderId && (
                              <span className="muted sub-line">
                                {t('recalls.with', { name: providerName(recall.lastVisitProviderId) })}
                              </span>
                            )}
                          </>
                        ) : (
                          <span className="muted">{t('recalls.never')}</span>
                        )}
                      </td>
                      {canWrite && (
                        <td>
                          <div className="row-actions list-actions">
                            {recall.status === 'due' && (
                              <Button
                                variant="primary"
                                busy={opening === recall.id}
                                onClick={() => void startBooking(recall)}
                              >
                                {t('recalls.book')}
                                <span className="visually-hidden"> {recall.patientName}</span>
                              </Button>
                            )}
                            {/* The reminders issue adds "Send recall" here, beside Book (a WhatsApp recall message). */}
                            <Button onClick={() => setRedating(recall)}>
                              {t('recalls.changeDate')}
                              <span className="visually-hidden"> {recall.patientName}</span>
                            </Button>
                            <Button variant="ghost" onClick={() => close(recall, index, 'done')}>
                              {t('recalls.markDone')}
                              <span className="visually-hidden"> {recall.patientName}</span>
                            </Button>
                            <Button variant="ghost" onClick={() => close(recall, index, 'cancelled')}>
                              {t('recalls.cancel')}
                              <span className="visually-hidden"> {recall.patientName}</span>
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
          {recalls.hasNextPage && (
            <div className="actions center">
              <Button onClick={loadMore} busy={recalls.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </div>
          )}
          {recalls.isFetchNextPageError && <ErrorAlert error={recalls.error} />}
        </div>
      )}
      {canWrite && (
        <BookingLauncher
          practiceId={practiceId}
          timeZone={timeZone}
          draft={booking?.draft ?? null}
          onClose={() => setBooking(null)}
          onBooked={(appointment) => booking && onBooked(booking.recall, appointment)}
        />
      )}
      {canWrite && (
        <ChangeDueDateDialog
          recall={redating}
          onClose={() => setRedating(null)}
          onSave={(recall, dueDate) =>
            update.mutateAsync({ recall, patch: { dueDate } }).then(() => {
              setRedating(null);
              toast(t('recalls.moved', { name: recall.patientName, date: formatDay(dueDate) }));
            })
          }
        />
      )}
    </div>
  );
}

const recallRow = (id: string) => `tr[data-recall-id="${id}"]`;

/** A month ('YYYY-MM') as people say it: "September 2026", "septembre 2026". */
function useMonthFormat() {
  const { i18n } = useTranslation();
  const locale = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr-FR' : 'en-GB';
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    return (month: string) => f.format(new Date(`${month}-15T12:00:00Z`));
  }, [locale]);
}

function ChangeDueDateDialog({
  recall,
  onClose,
  onSave,
}: {
  recall: RecallBody | null;
  onClose: () => void;
  onSave: (recall: RecallBody, dueDate: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={recall !== null}
      title={t('recalls.changeDateTitle', { name: recall?.patientName ?? '' })}
      onClose={onClose}
    >
      {recall && <DueDateForm key={recall.id} recall={recall} onClose={onClose} onSave={onSave} />}
    </Modal>
  );
}

function DueDateForm({
  recall,
  onClose,
  onSave,
}: {
  recall: RecallBody;
  onClose: () => void;
  onSave: (recall: RecallBody, dueDate: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [dueDate, setDueDate] = useState(recall.dueDate);
  const [invalid, setInvalid] = useState(false);
  const save = useMutation({ mutationFn: (day: string) => onSave(recall, day) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isDay(dueDate)) {
      setInvalid(true);
      return;
    }
    save.mutate(dueDate);
  };
  return (
    <form onSubmit={submit} noValidate>
      <TextField
        label={t('recalls.dueDate')}
        type="date"
        value={dueDate}
        required
        onChange={(e) => {
          setDueDate(e.target.value);
          setInvalid(false);
        }}
        error={invalid ? t('recalls.dateRequired') : undefined}
      />
      {save.isError && <ErrorAlert error={save.error} />}
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('recalls.saveDate')}
        </Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
