import type { Appointment, AppointmentReminder, AppointmentType, Chair, Provider } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useErrorMessage } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { AppointmentRemindersSection, ReminderMark } from '../reminders/ReminderMark';
import { reminderMarkText, summariseReminders } from '../reminders/reminder-state';
import type { useCurrentPractice } from '../shell/AppShell';
import { conflictMessage } from './conflict';
import { MedicalAlertBadge } from './MedicalAlertBadge';
import {
  CANCELLABLE,
  MOVABLE,
  NEXT_STATUSES,
  refreshScheduling,
  schedulingApi,
  useAppointmentDetail,
  useTypeName,
} from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';
import { clock, instantAt, isDay, parseClock, wallTimeOf } from './zoned-time';

interface AppointmentPanelProps {
  practiceId: string;
  timeZone: string;
  appointment: Appointment;
  type: AppointmentType | undefined;
  provider: Provider | undefined;
  chair: Chair | undefined;
  chairs: Chair[];
  can: ReturnType<typeof useCurrentPractice>['can'];
  myUserId: string;
  /** Its reminders (the calendar reads those of every appointment shown at once); undefined until read. */
  reminders?: readonly AppointmentReminder[] | undefined;
  remindersLoading?: boolean;
  onClose: () => void;
}

const STATUS_ACTION: Record<string, string> = {
  booked: 'calendar.actions.backToBooked',
  confirmed: 'calendar.actions.confirm',
  arrived: 'calendar.actions.arrived',
  in_chair: 'calendar.actions.inChair',
  completed: 'calendar.actions.completed',
  no_show: 'calendar.actions.noShow',
};

/** The details of one appointment beside the grid: status steps, cancel, move, history. */
export function AppointmentPanel({
  practiceId,
  timeZone,
  appointment: a,
  type,
  provider,
  chair,
  chairs,
  can,
  myUserId,
  reminders,
  remindersLoading = false,
  onClose,
}: AppointmentPanelProps) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const fmt = useCalendarFormat(timeZone);
  const toast = useToast();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const detail = useAppointmentDetail(practiceId, a.id);
  const [mode, setMode] = useState<'view' | 'cancel' | 'move'>('view');
  const canWrite = can('calendar:write');
  const canStatus = can('calendar:status') && (canWrite || a.providerId === myUserId);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const done = () => void refreshScheduling(queryClient, practiceId);
  const status = useMutation({
    mutationFn: (next: string) => schedulingApi.status(practiceId, a.id, next),
    onSuccess: (updated) => toast(t('calendar.statusChanged', { status: t(`calendar.status.${updated.status}`) })),
    onSettled: done,
  });
  const cancel = useMutation({
    mutationFn: (reason: string) => schedulingApi.cancel(practiceId, a.id, reason),
    onSuccess: () => {
      toast(t('calendar.cancelled'));
      onClose();
    },
    onSettled: done,
  });
  const move = useMutation({
    mutationFn: (body: Record<string, unknown>) => schedulingApi.move(practiceId, a.id, body),
    onSuccess: (moved) => {
      toast(t('calendar.moved', { name: moved.patientName ?? '', time: fmt.dateTime(moved.start) }));
      setMode('view');
    },
    onSettled: done,
  });

  const start = wallTimeOf(a.start, timeZone);
  const end = wallTimeOf(a.end, timeZone);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    }
  };

  const submitCancel = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    if (reason) cancel.mutate(reason);
  };
  const submitMove = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const day = String(form.get('date'));
    const time = String(form.get('time'));
    if (!isDay(day) || !/^\d\d:\d\d$/.test(time)) return;
    const startAt = instantAt(day, parseClock(time), timeZone);
    const duration = Date.parse(a.end) - Date.parse(a.start);
    const chairId = String(form.get('chairId'));
    move.mutate({
      start: startAt.toISOString(),
      end: new Date(startAt.getTime() + duration).toISOString(),
      ...(chairId !== a.chairId ? { chairId } : {}),
    });
  };

  const history = detail.data?.history ?? [];
  const reminderSummary = summariseReminders(a, reminders ?? []);
  const reminderText = reminderSummary && reminderMarkText(reminderSummary, t, fmt.dateTime);
  return (
    <aside className="cal-panel" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <div className="cal-panel-head">
        <h2 id={titleId} ref={headingRef} tabIndex={-1}>
          {a.patientName ?? t('calendar.noPatient')}
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('calendar.closePanel')}>
          ×
        </button>
      </div>
      <p className={`status-pill status-${a.status}`}>{t(`calendar.status.${a.status}`)}</p>
      {reminderSummary && reminderText && (
        <p className="reminder-line">
          <ReminderMark kind={reminderSummary.kind} label={reminderText} decorative />
          <span>{reminderText}</span>
        </p>
      )}
      {a.hasMedicalAlert && a.patientId && (
        <p className="medical-alert-line">
          <MedicalAlertBadge practiceId={practiceId} patientId={a.patientId} />
        </p>
      )}
      <dl className="summary compact">
        <div>
          <dt>{t('calendar.when')}</dt>
          <dd>
            {fmt.longDay(start.day)}, {clock(start.minutes)}–{clock(end.minutes)}
          </dd>
        </div>
        <div>
          <dt>{t('booking.type')}</dt>
          <dd>
            <span className="cal-dot" style={{ background: type?.colour }} aria-hidden="true" /> {typeName(type)}
          </dd>
        </div>
        <div>
          <dt>{t('booking.provider')}</dt>
          <dd>{provider?.displayName ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('booking.chair')}</dt>
          <dd>{chair?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('booking.source')}</dt>
          <dd>{t(`booking.sources.${a.source}`)}</dd>
        </div>
        {a.notes && (
          <div>
            <dt>{t('booking.notes')}</dt>
            <dd className="pre">{a.notes}</dd>
          </div>
        )}
        {a.cancellationReason && (
          <div>
            <dt>{t('calendar.cancelReason')}</dt>
            <dd>{a.cancellationReason}</dd>
          </div>
        )}
        {a.overbookReason && (
          <div>
            <dt>{t('booking.overbookReason')}</dt>
            <dd>{a.overbookReason}</dd>
          </div>
        )}
      </dl>
      {a.patientId && (
        <p>
          <Link to={`/app/${practiceId}/patients/${a.patientId}`}>{t('calendar.patientHistory')}</Link>
        </p>
      )}

      {canStatus && (NEXT_STATUSES[a.status] ?? []).length > 0 && (
        <section aria-label={t('calendar.changeStatus')} className="status-actions">
          {(NEXT_STATUSES[a.status] ?? []).map((next) => (
            <Button
              key={next}
              variant={next === 'no_show' ? 'danger' : 'secondary'}
              busy={status.isPending && status.variables === next}
              disabled={status.isPending}
              onClick={() => status.mutate(next)}
            >
              {t(STATUS_ACTION[next] ?? next)}
            </Button>
          ))}
        </section>
      )}
      {status.error ? <ErrorAlert error={status.error} /> : null}

      {canWrite && mode === 'view' && (
        <div className="actions">
          {MOVABLE.includes(a.status) && <Button onClick={() => setMode('move')}>{t('calendar.actions.move')}</Button>}
          {CANCELLABLE.includes(a.status) && (
            <Button variant="danger" onClick={() => setMode('cancel')}>
              {t('calendar.actions.cancel')}
            </Button>
          )}
        </div>
      )}
      {mode === 'cancel' && (
        <form onSubmit={submitCancel} className="panel-form">
          <TextAreaField label={t('calendar.cancelReason')} name="reason" required maxLength={300} autoFocus rows={2} />
          {cancel.error ? <ErrorAlert error={cancel.error} /> : null}
          <div className="actions">
            <Button type="submit" variant="danger" busy={cancel.isPending}>
              {t('calendar.actions.confirmCancel')}
            </Button>
            <Button variant="ghost" onClick={() => setMode('view')}>
              {t('calendar.actions.keep')}
            </Button>
          </div>
        </form>
      )}
      {mode === 'move' && (
        <form onSubmit={submitMove} className="panel-form">
          <div className="grid-2 tight">
            <TextField label={t('booking.date')} name="date" type="date" defaultValue={start.day} required autoFocus />
            <TextField
              label={t('booking.time')}
              name="time"
              type="time"
              defaultValue={clock(start.minutes)}
              step={300}
              required
            />
          </div>
          <SelectField label={t('booking.chair')} name="chairId" defaultValue={a.chairId}>
            {chairs.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
          {move.error ? (
            <p className="field-error" role="alert">
              {conflictMessage(move.error, errorMessage, t)}
            </p>
          ) : null}
          <div className="actions">
            <Button type="submit" variant="primary" busy={move.isPending}>
              {t('calendar.actions.confirmMove')}
            </Button>
            <Button variant="ghost" onClick={() => setMode('view')}>
              {t('common.cancel')}
            </Button>
          </div>
        </form>
      )}

      <AppointmentRemindersSection
        reminders={reminders}
        appointmentStart={a.start}
        loading={remindersLoading}
        when={fmt.dateTime}
        headingId={`${titleId}-reminders`}
      />

      <section aria-labelledby={`${titleId}-history`} className="history">
        <h3 id={`${titleId}-history`}>{t('calendar.history')}</h3>
        {detail.isError ? (
          <ErrorAlert error={detail.error} />
        ) : (
          <ol>
            {history.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: status history has no ids and only grows at the end, so positions stay put.
              <li key={i}>
                <span>
                  {h.fromStatus ? `${t(`calendar.status.${h.fromStatus}`)} → ` : ''}
                  <strong>{t(`calendar.status.${h.toStatus}`)}</strong>
                </span>
                <span className="muted small block">
                  {fmt.dateTime(h.changedAt)}
                  {h.changedBy ? ` · ${h.changedBy}` : ''}
                  {h.reason ? ` · ${h.reason}` : ''}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </aside>
  );
}
