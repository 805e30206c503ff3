import type { Appointment, AppointmentType, Chair, ConversationSummary, Provider } from '@dentalpro/contracts';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { AvailabilityBody } from '../../api/contracts';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { waitedFor } from '../inbox/handover';
import { contactName, useConversations } from '../inbox/inbox.api';
import { usePractice } from '../practices/practices.api';
import { BookedNotice } from '../scheduling/BookFromAnywhere';
import { MedicalAlertBadge } from '../scheduling/MedicalAlertBadge';
import {
  NEXT_STATUSES,
  refreshScheduling,
  schedulingApi,
  schedulingKey,
  useAppointmentTypes,
  useAppointments,
  useChairs,
  useProviders,
  useTypeName,
} from '../scheduling/scheduling.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { addDays, instantAt, isDay, todayIn, wallTimeOf } from '../scheduling/zoned-time';
import { useCurrentPractice } from '../shell/AppShell';
import { type FreeGap, dayOrder, freeGaps, isUnconfirmed, minutesLate, shortestTypeByRole } from './day-plan';
import { FollowUpDialog } from './FollowUpDialog';

/** The receptionist's start page: the whole practice's day. */
export function TodayPage() {
  return <DayPage mine={false} />;
}

/** The dentist's or hygienist's start page: their own appointments today. */
export function MyDayPage() {
  return <DayPage mine />;
}

function DayPage({ mine }: { mine: boolean }) {
  const { membership } = useCurrentPractice();
  const practice = usePractice(membership.practiceId);
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  if (!practice.data) return <Loading />;
  return <Day practiceId={membership.practiceId} timeZone={practice.data.timeZone} mine={mine} />;
}

/**
 * The day in the address as it is now: a second press of Next before the page has drawn the first
 * one's day steps on from the new day, not again from the old one.
 */
function shownDay(rendered: string): string {
  const inAddress = new URLSearchParams(window.location.search).get('date');
  return isDay(inAddress) ? inAddress : rendered;
}

/** Previous and next day, a date field, and back to today: the day the page shows. */
function DayPicker({ day, today, onChange }: { day: string; today: string; onChange: (day: string) => void }) {
  const { t } = useTranslation();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border and legend rules.
    <div className="day-picker no-print" role="group" aria-label={t('today.dayPicker')}>
      <Button onClick={() => onChange(addDays(shownDay(day), -1))}>
        <span aria-hidden="true">‹ </span>
        {t('today.previousDay')}
      </Button>
      <label className="visually-hidden" htmlFor="day-picker-date">
        {t('today.pickDay')}
      </label>
      <input
        id="day-picker-date"
        type="date"
        value={day}
        onChange={(e) => {
          if (isDay(e.target.value)) onChange(e.target.value);
        }}
      />
      <Button onClick={() => onChange(addDays(shownDay(day), 1))}>
        {t('today.nextDay')}
        <span aria-hidden="true"> ›</span>
      </Button>
      {day !== today && <Button onClick={() => onChange(today)}>{t('today.backToToday')}</Button>}
    </div>
  );
}

/** The one-tap steps of the day (confirming has its place in the calendar; cancelling needs a reason). */
const DAY_STEPS = ['arrived', 'in_chair', 'completed', 'no_show'] as const;
const STEP_LABEL: Record<(typeof DAY_STEPS)[number], string> = {
  arrived: 'today.steps.arrived',
  in_chair: 'today.steps.inChair',
  completed: 'today.steps.completed',
  no_show: 'today.steps.noShow',
};

function useNow(intervalMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function Day({ practiceId, timeZone, mine }: { practiceId: string; timeZone: string; mine: boolean }) {
  const { t } = useTranslation();
  const { can, me } = useCurrentPractice();
  const fmt = useCalendarFormat(timeZone);
  const now = useNow();
  const today = todayIn(timeZone, new Date(now));
  // Another day is in the address (?date=), so a reload or a shared link keeps it.
  const [params, setParams] = useSearchParams();
  const asked = params.get('date');
  const day = isDay(asked) ? asked : today;
  const isToday = day === today;
  const goTo = (next: string) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next === today) updated.delete('date');
        else updated.set('date', next);
        return updated;
      },
      { replace: true },
    );
  const range = useMemo(
    () => ({
      from: instantAt(day, 0, timeZone).toISOString(),
      to: instantAt(addDays(day, 1), 0, timeZone).toISOString(),
      // No-shows stay on the day's list (the server counts them with the cancelled); cancelled ones are left out below.
      includeCancelled: true,
    }),
    [day, timeZone],
  );
  const appointments = useAppointments(practiceId, range);
  const providers = useProviders(practiceId);
  const chairs = useChairs(practiceId);
  const types = useAppointmentTypes(practiceId);
  const myId = me.user.id;
  const listHeadingId = useId();
  const [followUpOf, setFollowUpOf] = useState<Appointment | null>(null);
  const [booked, setBooked] = useState<Appointment | null>(null);

  const list = useMemo(
    () =>
      dayOrder(
        (appointments.data ?? []).filter(
          (a) => a.status !== 'held' && a.status !== 'cancelled' && (!mine || a.providerId === myId),
        ),
      ),
    [appointments.data, mine, myId],
  );
  // Lateness is today's concern: a past day's patients who never came are no-shows, not late.
  const late = isToday ? list.filter((a) => minutesLate(a, now) > 0) : [];
  const unconfirmed = list.filter((a) => isUnconfirmed(a, now));
  const providerById = useMemo(() => new Map((providers.data ?? []).map((p) => [p.userId, p])), [providers.data]);
  const chairById = useMemo(() => new Map((chairs.data ?? []).map((c) => [c.id, c])), [chairs.data]);
  const typeById = useMemo(() => new Map((types.data ?? []).map((x) => [x.id, x])), [types.data]);
  const firstError = [appointments, providers, chairs, types].find((q) => q.isError)?.error;
  const loading = appointments.isPending || providers.isPending || chairs.isPending || types.isPending;
  const calendarOfDay = `/app/${practiceId}/calendar?date=${day}`;
  const title = mine ? t('nav.myDay') : t('nav.today');

  return (
    <div className="day-page">
      <div className="day-head">
        <div>
          <h1>{title}</h1>
          <p className="day-date" aria-live="polite">
            {fmt.longDay(day)}
            {!isToday && <span className="muted"> · {t(day < today ? 'today.pastDay' : 'today.comingDay')}</span>}
          </p>
        </div>
        <DayPicker day={day} today={today} onChange={goTo} />
        <div className="actions no-print">
          <Link className="button button-secondary" to={calendarOfDay}>
            {t('today.openCalendar')}
          </Link>
          <Button onClick={() => window.print()}>{t('today.print')}</Button>
        </div>
      </div>
      {firstError ? <ErrorAlert error={firstError} /> : null}
      {booked && <BookedNotice practiceId={practiceId} timeZone={timeZone} appointment={booked} />}
      {loading ? (
        <Loading />
      ) : (
        <>
          <p className="day-summary" aria-live="polite">
            {t('today.summary.appointments', { count: list.length })}
            {' · '}
            {t('today.summary.late', { count: late.length })}
            {' · '}
            {t('today.summary.unconfirmed', { count: unconfirmed.length })}
          </p>
          <div className="day-columns">
            <section className="day-list-section" aria-labelledby={listHeadingId}>
              <h2 id={listHeadingId}>{t('today.appointments')}</h2>
              {list.length === 0 ? (
                <p className="muted">{mine ? t('today.noneMine') : t('today.none')}</p>
              ) : (
                <ol className="day-list">
                  {list.map((a) => (
                    <DayRow
                      key={a.id}
                      practiceId={practiceId}
                      timeZone={timeZone}
                      appointment={a}
                      now={now}
                      isToday={isToday}
                      type={typeById.get(a.appointmentTypeId)}
                      provider={providerById.get(a.providerId)}
                      chair={chairById.get(a.chairId)}
                      showProvider={!mine}
                      // Check-in and the rest are for today and days gone by, not for a day to come.
                      canStatus={
                        day <= today && can('calendar:status') && (can('calendar:write') || a.providerId === myId)
                      }
                      onFollowUp={
                        mine && day <= today && can('calendar:book') && a.patientId ? () => setFollowUpOf(a) : undefined
                      }
                    />
                  ))}
                </ol>
              )}
            </section>
            <div className="day-side no-print">
              <AttentionList
                title={t('today.lateTitle')}
                empty={t('today.nobodyLate')}
                items={late.map((a) => ({
                  id: a.id,
                  text: `${fmt.time(a.start)} ${a.patientName ?? t('calendar.noPatient')}`,
                  note: t('today.lateBy', { count: minutesLate(a, now) }),
                  to: `/app/${practiceId}/calendar?date=${day}&appointment=${a.id}`,
                }))}
              />
              <AttentionList
                title={t('today.unconfirmedTitle')}
                empty={t('today.allConfirmed')}
                items={unconfirmed.map((a) => ({
                  id: a.id,
                  text: `${fmt.time(a.start)} ${a.patientName ?? t('calendar.noPatient')}`,
                  to: `/app/${practiceId}/calendar?date=${day}&appointment=${a.id}`,
                }))}
              />
              <Gaps
                practiceId={practiceId}
                timeZone={timeZone}
                day={day}
                now={now}
                providers={(providers.data ?? []).filter((p) => p.active && (!mine || p.userId === myId))}
                types={types.data ?? []}
              />
              {can('inbox:read') && <WaitingConversations practiceId={practiceId} now={now} />}
            </div>
          </div>
        </>
      )}
      {followUpOf && (
        <FollowUpDialog
          practiceId={practiceId}
          timeZone={timeZone}
          appointment={followUpOf}
          provider={providerById.get(followUpOf.providerId)}
          types={(types.data ?? []).filter((x) => x.active)}
          onClose={() => setFollowUpOf(null)}
          onBooked={(appointment) => {
            setFollowUpOf(null);
            setBooked(appointment);
          }}
        />
      )}
    </div>
  );
}

interface DayRowProps {
  practiceId: string;
  timeZone: string;
  appointment: Appointment;
  now: number;
  /** Lateness is marked on today's list only. */
  isToday: boolean;
  type: AppointmentType | undefined;
  provider: Provider | undefined;
  chair: Chair | undefined;
  showProvider: boolean;
  canStatus: boolean;
  onFollowUp: (() => void) | undefined;
}

function DayRow({
  practiceId,
  timeZone,
  appointment: a,
  now,
  isToday,
  type,
  provider,
  chair,
  showProvider,
  canStatus,
  onFollowUp,
}: DayRowProps) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const fmt = useCalendarFormat(timeZone);
  const toast = useToast();
  const queryClient = useQueryClient();
  const status = useMutation({
    mutationFn: (next: string) => schedulingApi.status(practiceId, a.id, next),
    onSuccess: (updated) =>
      toast(
        t('today.statusChanged', {
          name: updated.patientName ?? t('calendar.noPatient'),
          status: t(`calendar.status.${updated.status}`),
        }),
      ),
    onSettled: () => void refreshScheduling(queryClient, practiceId),
  });
  const lateBy = isToday ? minutesLate(a, now) : 0;
  const started = Date.parse(a.start) <= now;
  const steps = DAY_STEPS.filter((s) => (NEXT_STATUSES[a.status] ?? []).includes(s) && (s !== 'no_show' || started));
  const patient = a.patientName ?? t('calendar.noPatient');
  const end = wallTimeOf(a.end, timeZone);
  const start = wallTimeOf(a.start, timeZone);
  return (
    <li className={`day-row status-${a.status}${lateBy > 0 ? ' is-late' : ''}`} data-appointment-id={a.id}>
      <span className="day-time">
        {fmt.clock(start.minutes)}
        <span className="day-time-end">–{fmt.clock(end.day === start.day ? end.minutes : 24 * 60)}</span>
      </span>
      <span className="day-who">
        <span className="day-patient">
          {a.patientId ? <Link to={`/app/${practiceId}/patients/${a.patientId}`}>{patient}</Link> : patient}
          {a.hasMedicalAlert && a.patientId && <MedicalAlertBadge practiceId={practiceId} patientId={a.patientId} />}
        </span>
        <span className="day-what muted">
          <span className="cal-dot" style={{ background: type?.colour }} aria-hidden="true" /> {typeName(type)}
          {showProvider && provider ? ` · ${provider.displayName}` : ''}
          {chair ? ` · ${chair.name}` : ''}
        </span>
      </span>
      <span className="day-marks">
        <span className={`status-pill status-${a.status}`}>{t(`calendar.status.${a.status}`)}</span>
        {lateBy > 0 && <span className="day-mark mark-late">{t('today.lateBy', { count: lateBy })}</span>}
        {isUnconfirmed(a, now) && <span className="day-mark mark-unconfirmed">{t('today.unconfirmed')}</span>}
      </span>
      <span className="day-actions no-print">
        {canStatus &&
          steps.map((next) => (
            <Button
              key={next}
              variant={next === 'no_show' ? 'danger' : next === steps[0] ? 'primary' : 'secondary'}
              busy={status.isPending && status.variables === next}
              disabled={status.isPending}
              onClick={() => status.mutate(next)}
              aria-label={t('today.forPatient', { action: t(STEP_LABEL[next]), name: patient })}
            >
              {t(STEP_LABEL[next])}
            </Button>
          ))}
        {onFollowUp && (
          <Button
            onClick={onFollowUp}
            aria-label={t('today.forPatient', { action: t('today.followUp.action'), name: patient })}
          >
            {t('today.followUp.action')}
          </Button>
        )}
      </span>
      {status.error ? (
        <div className="day-row-error">
          <ErrorAlert error={status.error} />
        </div>
      ) : null}
    </li>
  );
}

function AttentionList({
  title,
  empty,
  items,
}: {
  title: string;
  empty: string;
  items: { id: string; text: string; note?: string | undefined; to: string }[];
}) {
  const headingId = useId();
  return (
    <section className="day-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title} <span className="day-count">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <ul className="day-card-list">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={item.to}>{item.text}</Link>
              {item.note && <span className="muted small"> · {item.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Free time of each provider (still ahead today) as long as their shortest visit: worth a call to the waitlist. */
function Gaps({
  practiceId,
  timeZone,
  day,
  now,
  providers,
  types,
}: {
  practiceId: string;
  timeZone: string;
  day: string;
  now: number;
  providers: Provider[];
  types: AppointmentType[];
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const headingId = useId();
  const shortest = useMemo(
    () =>
      shortestTypeByRole(
        types,
        providers.map((p) => p.role),
      ),
    [types, providers],
  );
  const typeIds = [...new Set([...shortest.values()].map((x) => x.id))].sort();
  const dayEnd = instantAt(addDays(day, 1), 0, timeZone).toISOString();
  // Asked from the start of the current quarter hour (so that the query stays the same for a
  // while), or from the day's start for a day to come.
  const from = new Date(
    Math.max(Math.floor(now / 900_000) * 900_000, instantAt(day, 0, timeZone).getTime()),
  ).toISOString();
  const results = useQueries({
    queries: typeIds.map((appointmentTypeId) => ({
      queryKey: [...schedulingKey(practiceId), 'availability', 'gaps', appointmentTypeId, from, dayEnd],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<AvailabilityBody>(
          `/practices/${practiceId}/availability`,
          { appointmentTypeId, from, to: dayEnd },
          signal,
        ),
      enabled: from < dayEnd,
      staleTime: 30_000,
      refetchInterval: 60_000,
    })),
  });
  const gaps: FreeGap[] = useMemo(() => {
    const providerById = new Map(providers.map((p) => [p.userId, p]));
    const slots = results.flatMap((r, i) =>
      (r.data?.slots ?? []).filter((s) => {
        const provider = providerById.get(s.providerId);
        return provider !== undefined && shortest.get(provider.role)?.id === typeIds[i];
      }),
    );
    return freeGaps(
      slots,
      (providerId) => shortest.get(providerById.get(providerId)?.role ?? '')?.durationMinutes ?? 0,
      now,
    );
  }, [results, providers, shortest, typeIds, now]);
  const providerName = (id: string) => providers.find((p) => p.userId === id)?.displayName ?? '';
  const gapLength = (minutes: number) => {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (hours === 0) return t('today.lengthMinutes', { count: rest });
    return rest === 0
      ? t('today.lengthHours', { count: hours })
      : t('today.lengthHoursMinutes', { hours, minutes: rest });
  };
  const pending = results.some((r) => r.isPending && r.fetchStatus !== 'idle');
  const error = results.find((r) => r.isError)?.error;
  return (
    <section className="day-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t('today.gapsTitle')} <span className="day-count">{gaps.length}</span>
      </h2>
      {error ? (
        <ErrorAlert error={error} />
      ) : pending ? (
        <Loading />
      ) : gaps.length === 0 ? (
        <p className="muted small">{t('today.noGaps')}</p>
      ) : (
        <ul className="day-card-list">
          {gaps.map((g) => (
            <li key={`${g.providerId}-${g.start}`}>
              <Link to={`/app/${practiceId}/calendar?date=${day}`}>
                {fmt.clock(wallTimeOf(g.start, timeZone).minutes)}–{fmt.clock(wallTimeOf(g.end, timeZone).minutes)}{' '}
                {providerName(g.providerId)}
              </Link>
              <span className="muted small"> · {gapLength(g.minutes)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Open conversations flagged "needs a person" (the inbox's own filter), each a link to it. */
function WaitingConversations({ practiceId, now }: { practiceId: string; now: number }) {
  const { t } = useTranslation();
  const headingId = useId();
  const conversations = useConversations(practiceId, { status: 'open', assigned: 'any', needsPerson: true, q: '' });
  const items: ConversationSummary[] = conversations.data?.pages[0]?.items ?? [];
  return (
    <section className="day-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t('today.waitingTitle')} <span className="day-count">{items.length}</span>
      </h2>
      {conversations.isError ? (
        <ErrorAlert error={conversations.error} />
      ) : conversations.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="muted small">{t('today.nobodyWaiting')}</p>
      ) : (
        <ul className="day-card-list">
          {items.map((c) => {
            const waited = waitedFor(c.handover?.since ?? null, now);
            return (
              <li key={c.id}>
                <Link to={`/app/${practiceId}/inbox/${c.id}`}>{contactName(c, t('inbox.unknownContact'))}</Link>
                <span className="muted small">
                  {c.handover ? ` · ${t(`inbox.handoverReason.${c.handover.reason}`)}` : ''}
                  {waited
                    ? ` · ${t('inbox.waitingFor', { time: t(`inbox.waited.${waited.key}`, { count: waited.count }) })}`
                    : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
