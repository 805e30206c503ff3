import type { Appointment } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { appointmentCardName } from './card-name';
import { closedDays, weekdayName } from './closed-days';
import { conflictMessage } from './conflict';
import type { BlockBody } from '../../api/contracts';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useErrorMessage } from '../../components/errors';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { ClosePracticeDialog } from '../closures/ClosePracticeDialog';
import { useClosureAnnouncements } from '../closures/closures.api';
import { usePractice } from '../practices/practices.api';
import { useAppointmentReminders } from '../reminders/reminders.api';
import { reminderMarkText, summariseReminders } from '../reminders/reminder-state';
import { useCurrentPractice } from '../shell/AppShell';
import { AppointmentPanel } from './AppointmentPanel';
import { BlockDialog, BlockDetailsDialog } from './BlockDialog';
import { BookingDialog, type BookingDraft } from './BookingDialog';
import {
  type AppointmentLook,
  type CalendarColumn,
  CalendarGrid,
  type PlacedAppointment,
  type PlacedBlock,
} from './CalendarGrid';
import {
  type Items,
  MOVABLE,
  appointmentsKey,
  refreshScheduling,
  schedulingApi,
  useAppointmentTypes,
  useAppointments,
  useBlocks,
  useCalendarSettings,
  useChairs,
  useClosures,
  useHolidays,
  useOpeningHours,
  useProviders,
  useTypeName,
} from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';
import { addDays, instantAt, isDay, mondayOf, parseClock, todayIn, wallTimeOf, weekdayOf } from './zoned-time';

type View = 'day' | 'week';
const FALLBACK = { start: 7 * 60, end: 19 * 60 };

export function CalendarPage() {
  const { t } = useTranslation();
  const { membership, can, me } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone;
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  if (!timeZone) return <Loading />;
  return (
    <Calendar practiceId={practiceId} timeZone={timeZone} can={can} myUserId={me.user.id} heading={t('nav.calendar')} />
  );
}

interface CalendarProps {
  practiceId: string;
  timeZone: string;
  can: ReturnType<typeof useCurrentPractice>['can'];
  myUserId: string;
  heading: string;
}

function Calendar({ practiceId, timeZone, can, myUserId, heading }: CalendarProps) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const typeName = useTypeName();
  const fmt = useCalendarFormat(timeZone);
  const [params, setParams] = useSearchParams();
  const today = todayIn(timeZone);
  const day = isDay(params.get('date')) ? (params.get('date') as string) : today;
  const view: View = params.get('view') === 'week' ? 'week' : 'day';
  const showCancelled = params.get('cancelled') === '1';
  const dateId = useId();
  const providerSelectId = useId();

  const setParam = useCallback(
    (changes: Record<string, string | null>) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null) next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const chairs = useChairs(practiceId);
  const providers = useProviders(practiceId);
  const types = useAppointmentTypes(practiceId);
  const openingHours = useOpeningHours(practiceId);
  const settings = useCalendarSettings(practiceId);
  const closures = useClosures(practiceId);
  const holidays = useHolidays(practiceId, Number(day.slice(0, 4)));
  const step = settings.data?.slotStepMinutes ?? 15;

  const activeProviders = useMemo(() => (providers.data ?? []).filter((p) => p.active), [providers.data]);
  const providerId =
    params.get('provider') && activeProviders.some((p) => p.userId === params.get('provider'))
      ? (params.get('provider') as string)
      : (activeProviders[0]?.userId ?? null);

  const firstDay = view === 'day' ? day : mondayOf(day);
  const dayCount = view === 'day' ? 1 : 7;
  const range = useMemo(
    () => ({
      from: instantAt(firstDay, 0, timeZone).toISOString(),
      to: instantAt(addDays(firstDay, dayCount), 0, timeZone).toISOString(),
    }),
    [firstDay, dayCount, timeZone],
  );
  const appointments = useAppointments(practiceId, { ...range, includeCancelled: showCancelled });
  const blocks = useBlocks(practiceId, range);
  const announcements = useClosureAnnouncements(practiceId, range);
  const [closing, setClosing] = useState(false);

  const typeById = useMemo(() => new Map((types.data ?? []).map((x) => [x.id, x])), [types.data]);
  const providerById = useMemo(() => new Map((providers.data ?? []).map((x) => [x.userId, x])), [providers.data]);
  const chairById = useMemo(() => new Map((chairs.data ?? []).map((x) => [x.id, x])), [chairs.data]);

  const columns: CalendarColumn[] = useMemo(() => {
    if (view === 'day') {
      return (chairs.data ?? [])
        .filter((c) => c.active)
        .map((c) => ({ key: c.id, day, label: c.name, colour: c.colour, chairId: c.id, isToday: day === today }));
    }
    const provider = providerId ? providerById.get(providerId) : undefined;
    return Array.from({ length: 7 }, (_, i) => {
      const d = addDays(firstDay, i);
      return {
        key: d,
        day: d,
        label: fmt.weekdayShort(d),
        sublabel: fmt.dayMonth(d),
        providerId: provider?.userId,
        isToday: d === today,
      };
    });
  }, [view, chairs.data, day, today, providerId, providerById, firstDay, fmt]);

  // The axis: earliest opening to latest closing of the days shown, widened to fit every appointment.
  const [axisStart, axisEnd] = useMemo(() => {
    const weekdays = new Set(columns.map((c) => weekdayOf(c.day)));
    const hours = (openingHours.data ?? []).filter((h) => view === 'week' || weekdays.has(h.weekday));
    let start = hours.length ? Math.min(...hours.map((h) => parseClock(h.start))) : FALLBACK.start;
    let end = hours.length ? Math.max(...hours.map((h) => parseClock(h.end))) : FALLBACK.end;
    for (const a of appointments.data ?? []) {
      const s = wallTimeOf(a.start, timeZone);
      const e = wallTimeOf(a.end, timeZone);
      if (s.day >= firstDay && s.day < addDays(firstDay, dayCount)) {
        start = Math.min(start, Math.floor(s.minutes / 60) * 60);
        end = Math.max(end, e.day === s.day ? Math.ceil(e.minutes / 60) * 60 : 24 * 60);
      }
    }
    return [start, Math.max(end, start + 60)];
  }, [columns, openingHours.data, view, appointments.data, timeZone, firstDay, dayCount]);

  const [pendingMoves, setPendingMoves] = useState(0);
  const placedAppointments = useMemo(() => {
    const map = new Map<string, PlacedAppointment[]>();
    for (const a of appointments.data ?? []) {
      if (a.status === 'cancelled' && !showCancelled) continue;
      const s = wallTimeOf(a.start, timeZone);
      const e = wallTimeOf(a.end, timeZone);
      const key = view === 'day' ? a.chairId : a.providerId === providerId ? s.day : null;
      if (key === null || (view === 'day' && s.day !== day)) continue;
      const placed = { appointment: a, startMin: s.minutes, endMin: e.day === s.day ? e.minutes : 24 * 60 };
      const list = map.get(key);
      if (list) list.push(placed);
      else map.set(key, [placed]);
    }
    return map;
  }, [appointments.data, showCancelled, timeZone, view, providerId, day]);

  // The reminders of the appointments drawn, in one request each time they are read.
  const shownIds = useMemo(
    () => [...placedAppointments.values()].flatMap((list) => list.map((p) => p.appointment.id)),
    [placedAppointments],
  );
  const reminders = useAppointmentReminders(practiceId, shownIds, appointments.dataUpdatedAt);

  const placedBlocks = useMemo(() => {
    const map = new Map<string, PlacedBlock[]>();
    const kindLabel = (b: BlockBody) => {
      const who = b.providerId
        ? providerById.get(b.providerId)?.displayName
        : b.chairId
          ? chairById.get(b.chairId)?.name
          : t('calendar.block.wholePractice');
      return `${t(`calendar.block.kinds.${b.kind}`)}${who ? ` · ${who}` : ''}${b.note ? ` · ${b.note}` : ''}`;
    };
    for (const column of columns) {
      const dayStart = instantAt(column.day, 0, timeZone).getTime();
      const dayEnd = instantAt(addDays(column.day, 1), 0, timeZone).getTime();
      for (const b of blocks.data ?? []) {
        const bs = Date.parse(b.start);
        const be = Date.parse(b.end);
        if (be <= dayStart || bs >= dayEnd) continue;
        let narrow = false;
        if (view === 'day') {
          if (b.chairId && b.chairId !== column.chairId) continue;
          narrow = !b.chairId && b.providerId !== null;
        } else if (b.providerId && b.providerId !== column.providerId) continue;
        else if (!b.providerId && b.chairId) continue;
        const startMin = bs <= dayStart ? 0 : wallTimeOf(bs, timeZone).minutes;
        const endMin = be >= dayEnd ? 24 * 60 : wallTimeOf(be, timeZone).minutes;
        const clippedStart = Math.max(startMin, axisStart);
        const clippedEnd = Math.min(endMin, axisEnd);
        if (clippedEnd <= clippedStart) continue;
        const list = map.get(column.key) ?? [];
        list.push({ block: b, startMin: clippedStart, endMin: clippedEnd, narrow, label: kindLabel(b) });
        map.set(column.key, list);
      }
    }
    return map;
  }, [blocks.data, columns, timeZone, view, axisStart, axisEnd, providerById, chairById, t]);

  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  const nowMinutes = wallTimeOf(now, timeZone).minutes;

  const canWrite = can('calendar:write');
  const canMove = useCallback((a: Appointment) => canWrite && MOVABLE.includes(a.status), [canWrite]);
  const look = useCallback(
    (a: Appointment): AppointmentLook => {
      const type = typeById.get(a.appointmentTypeId);
      const statusLabel = t(`calendar.status.${a.status}`);
      const s = wallTimeOf(a.start, timeZone);
      const e = wallTimeOf(a.end, timeZone);
      const name = typeName(type);
      const summary = summariseReminders(a, reminders.data?.get(a.id) ?? []);
      const reminder = summary ? { kind: summary.kind, label: reminderMarkText(summary, t, fmt.dateTime) } : undefined;
      return {
        colour: type?.colour ?? '#64748b',
        typeName: name,
        statusLabel,
        ariaLabel: ({ typeShown, alertShown }: { typeShown: boolean; alertShown: boolean }) =>
          appointmentCardName({
            time: `${fmt.clock(s.minutes)}–${fmt.clock(e.day === s.day ? e.minutes : 24 * 60)}`,
            alert: a.hasMedicalAlert ? t('patientRecord.alerts.badge') : undefined,
            patient: a.patientName ?? t('calendar.noPatient'),
            type: name,
            status: statusLabel,
            reminder: reminder?.label,
            typeShown,
            alertShown,
          }),
        reminder,
      };
    },
    [typeById, t, timeZone, typeName, fmt, reminders.data],
  );

  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // A link to one appointment (a notification's): open its panel, then drop the id from the address,
  // so that closing the panel is not undone by a reload or a step back.
  const linkedId = params.get('appointment');
  useEffect(() => {
    if (!linkedId) return;
    setSelectedId(linkedId);
    setParam({ appointment: null });
  }, [linkedId, setParam]);
  // The block dialog: to create one (block null) or change the one clicked. Without calendar:write a click only shows it.
  const [blockDialog, setBlockDialog] = useState<{ block: BlockBody | null } | null>(null);
  const [viewedBlock, setViewedBlock] = useState<BlockBody | null>(null);
  const onOpenBlock = useCallback(
    (block: BlockBody) => (canWrite ? setBlockDialog({ block }) : setViewedBlock(block)),
    [canWrite],
  );

  const move = useMutation({
    mutationFn: (v: { appointment: Appointment; start: string; end: string; chairId: string; providerId: string }) =>
      schedulingApi.move(practiceId, v.appointment.id, {
        start: v.start,
        end: v.end,
        ...(v.chairId !== v.appointment.chairId ? { chairId: v.chairId } : {}),
        ...(v.providerId !== v.appointment.providerId ? { providerId: v.providerId } : {}),
      }),
    onMutate: async (v) => {
      setPendingMoves((n) => n + 1);
      await queryClient.cancelQueries({ queryKey: appointmentsKey(practiceId) });
      const snapshots = queryClient.getQueriesData({ queryKey: appointmentsKey(practiceId) });
      queryClient.setQueriesData<Items<Appointment>>({ queryKey: appointmentsKey(practiceId) }, (old) =>
        old && 'items' in old
          ? {
              items: old.items.map((a) =>
                a.id === v.appointment.id
                  ? { ...a, start: v.start, end: v.end, chairId: v.chairId, providerId: v.providerId }
                  : a,
              ),
            }
          : old,
      );
      return { snapshots };
    },
    onError: (error, _v, context) => {
      for (const [key, value] of context?.snapshots ?? []) queryClient.setQueryData(key, value);
      toast(conflictMessage(error, errorMessage, t), 'error');
    },
    onSuccess: (moved) =>
      toast(t('calendar.moved', { name: moved.patientName ?? '', time: fmt.dateTime(moved.start) })),
    onSettled: () => {
      setPendingMoves((n) => n - 1);
      void refreshScheduling(queryClient, practiceId);
    },
  });

  const onMove = useCallback(
    (a: Appointment, column: CalendarColumn, startMin: number) => {
      const duration = Date.parse(a.end) - Date.parse(a.start);
      const start = instantAt(column.day, startMin, timeZone);
      move.mutate({
        appointment: a,
        start: start.toISOString(),
        end: new Date(start.getTime() + duration).toISOString(),
        chairId: column.chairId ?? a.chairId,
        providerId: column.providerId ?? a.providerId,
      });
    },
    [move, timeZone],
  );

  const onBook = useCallback(
    (column: CalendarColumn, minutes: number) =>
      setDraft({ day: column.day, minutes, chairId: column.chairId ?? null, providerId: column.providerId ?? null }),
    [],
  );

  const loading =
    chairs.isPending || providers.isPending || types.isPending || openingHours.isPending || settings.isPending;
  const firstError = [chairs, providers, types, openingHours, settings].find((q) => q.isError)?.error;
  const selected = selectedId ? ((appointments.data ?? []).find((a) => a.id === selectedId) ?? null) : null;
  const dayHolidays = (holidays.data ?? []).filter((h) => h.date >= firstDay && h.date < addDays(firstDay, dayCount));
  const closed = closedDays(
    columns.map((c) => c.day).filter((d, i, all) => all.indexOf(d) === i),
    openingHours.data ?? [],
  );
  const rangeClosures = (closures.data ?? []).filter(
    (c) => Date.parse(c.end) > Date.parse(range.from) && Date.parse(c.start) < Date.parse(range.to),
  );
  const title =
    view === 'day'
      ? fmt.longDay(day)
      : t('calendar.weekOf', { from: fmt.dayMonth(firstDay), to: fmt.dayMonth(addDays(firstDay, 6)) });

  return (
    <div className={`calendar-page${selected ? ' has-panel' : ''}`}>
      {/* One line on a laptop: the heading, the day, and the controls; the grid gets the height. */}
      <div className="cal-header">
        <div className="cal-titlebar">
          <h1>{heading}</h1>
          <p className="cal-title" aria-live="polite">
            {title}
            {appointments.isFetching && !appointments.isPending && (
              <span className="spinner cal-refreshing" aria-hidden="true" />
            )}
            {pendingMoves > 0 && <span className="visually-hidden">{t('common.working')}</span>}
          </p>
        </div>
        <div className="cal-toolbar" role="toolbar" aria-label={t('calendar.toolbar')}>
          <div className="cal-nav">
            <Button onClick={() => setParam({ date: null })} disabled={day === today}>
              {t('calendar.today')}
            </Button>
            <Button
              onClick={() => setParam({ date: addDays(day, -dayCount) })}
              aria-label={view === 'day' ? t('calendar.previousDay') : t('calendar.previousWeek')}
            >
              <span aria-hidden="true">‹</span>
            </Button>
            <Button
              onClick={() => setParam({ date: addDays(day, dayCount) })}
              aria-label={view === 'day' ? t('calendar.nextDay') : t('calendar.nextWeek')}
            >
              <span aria-hidden="true">›</span>
            </Button>
            <label className="visually-hidden" htmlFor={dateId}>
              {t('calendar.date')}
            </label>
            <input
              id={dateId}
              type="date"
              className="cal-date"
              value={day}
              onChange={(e) => isDay(e.target.value) && setParam({ date: e.target.value })}
            />
          </div>
          {/* biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border, padding, min-width and legend rules. */}
          <div className="segmented" role="group" aria-label={t('calendar.view')}>
            <button type="button" aria-pressed={view === 'day'} onClick={() => setParam({ view: null })}>
              {t('calendar.dayByChair')}
            </button>
            <button type="button" aria-pressed={view === 'week'} onClick={() => setParam({ view: 'week' })}>
              {t('calendar.weekByProvider')}
            </button>
          </div>
          {view === 'week' && (
            <div className="cal-provider">
              <label htmlFor={providerSelectId}>{t('calendar.provider')}</label>
              <select
                id={providerSelectId}
                value={providerId ?? ''}
                onChange={(e) => setParam({ provider: e.target.value })}
              >
                {activeProviders.map((p) => (
                  <option key={p.userId} value={p.userId}>
                    {p.displayName}
                  </option>
                ))}
              </select>
            </div>
          )}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={showCancelled}
              onChange={(e) => setParam({ cancelled: e.target.checked ? '1' : null })}
            />
            {t('calendar.showCancelled')}
          </label>
          {canWrite && (
            <Button className="cal-block-button" onClick={() => setBlockDialog({ block: null })}>
              {t('calendar.block.action')}
            </Button>
          )}
        </div>
      </div>

      {dayHolidays.map((h) => (
        <Alert key={h.id} tone="warning" className="cal-banner">
          {t('calendar.holiday', { date: fmt.longDay(h.date), name: typeName(h) })}
        </Alert>
      ))}
      {[...closed].map((d) => (
        <Alert key={d} tone="warning" className="cal-banner">
          {t('calendar.closedDay', { weekday: weekdayName(d, i18n.language) })}
        </Alert>
      ))}
      {rangeClosures.map((c) => (
        <Alert key={c.id} tone="warning" className="cal-banner">
          {t('calendar.closure', {
            from: fmt.dateTime(c.start),
            to: fmt.dateTime(c.end),
            reason: c.reason || t('calendar.noReason'),
          })}
        </Alert>
      ))}
      {(announcements.data ?? []).map((a) => (
        <Alert key={a.id} tone={a.counts.needs_call > 0 ? 'warning' : 'info'} className="cal-banner">
          {t('closures.banner', {
            reason: t(`closures.reasons.${a.reason}`),
            total: a.total,
            reached: a.counts.delivered + a.counts.read + a.counts.replied + a.counts.rebooked,
            rebooked: a.counts.rebooked,
            toCall: a.counts.needs_call,
          })}{' '}
          <Link to={`/app/${practiceId}/closures/${a.id}`}>{t('closures.openList')}</Link>
        </Alert>
      ))}
      {firstError ? <ErrorAlert error={firstError} /> : null}
      {appointments.isError && <ErrorAlert error={appointments.error} />}

      {loading ? (
        <Loading />
      ) : columns.length === 0 || (view === 'week' && !providerId) ? (
        <Alert tone="info" title={view === 'day' ? t('calendar.noChairs') : t('calendar.noProviders')}>
          {can('schedule:manage') ? t('calendar.setUpHint') : t('calendar.askOwner')}
        </Alert>
      ) : (
        <div className="cal-layout">
          <CalendarGrid
            columns={columns}
            axisStart={axisStart}
            axisEnd={axisEnd}
            step={step}
            appointments={placedAppointments}
            blocks={placedBlocks}
            closedDays={closed}
            nowMinutes={nowMinutes}
            canBook={canWrite}
            canMove={canMove}
            look={look}
            selectedId={selectedId}
            onBook={onBook}
            onOpen={(a) => setSelectedId(a.id)}
            onMove={onMove}
            onOpenBlock={onOpenBlock}
          />
          {selected && (
            <AppointmentPanel
              key={selected.id}
              practiceId={practiceId}
              timeZone={timeZone}
              appointment={selected}
              type={typeById.get(selected.appointmentTypeId)}
              provider={providerById.get(selected.providerId)}
              chair={chairById.get(selected.chairId)}
              chairs={(chairs.data ?? []).filter((c) => c.active)}
              can={can}
              myUserId={myUserId}
              reminders={reminders.data?.get(selected.id)}
              remindersLoading={reminders.isPending}
              onClose={() => {
                const id = selectedId;
                setSelectedId(null);
                window.setTimeout(
                  () => document.querySelector<HTMLElement>(`[data-appointment-id="${id}"]`)?.focus(),
                  0,
                );
              }}
            />
          )}
        </div>
      )}

      {canWrite && (
        <BookingDialog
          practiceId={practiceId}
          timeZone={timeZone}
          draft={draft}
          chairs={(chairs.data ?? []).filter((c) => c.active)}
          providers={activeProviders}
          types={(types.data ?? []).filter((x) => x.active)}
          canOverbook={can('calendar:overbook')}
          onClose={() => setDraft(null)}
          onBooked={(a) => {
            setDraft(null);
            toast(t('calendar.booked', { name: a.patientName ?? '', time: fmt.dateTime(a.start) }));
          }}
        />
      )}
      {canWrite && (
        <BlockDialog
          open={blockDialog !== null}
          practiceId={practiceId}
          timeZone={timeZone}
          day={day}
          block={blockDialog?.block ?? null}
          chairs={chairs.data ?? []}
          providers={providers.data ?? []}
          onClose={() => setBlockDialog(null)}
          onClosePractice={
            can('schedule:manage')
              ? () => {
                  setBlockDialog(null);
                  setClosing(true);
                }
              : undefined
          }
        />
      )}
      {can('schedule:manage') && (
        <ClosePracticeDialog
          open={closing}
          practiceId={practiceId}
          timeZone={timeZone}
          day={day}
          providers={providers.data ?? []}
          onClose={() => setClosing(false)}
        />
      )}
      <BlockDetailsDialog
        block={viewedBlock}
        timeZone={timeZone}
        providers={providerById}
        chairs={chairById}
        onClose={() => setViewedBlock(null)}
      />
    </div>
  );
}
