import type { Appointment, AppointmentType, Chair, PatientSummary, Provider } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { fieldError, useErrorMessage } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Modal } from '../../components/Modal';
import { bookingDefaults, nearestTimes } from './booking-defaults';
import { bookingRefusal } from './patient-bookable';
import { ChosenPatientAlert } from './MedicalAlertBadge';
import { PatientPicker } from './PatientPicker';
import { refreshScheduling, schedulingApi, useAvailability, useTypeName } from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';
import { addDays, clock, instantAt, isDay, parseClock, wallTimeOf } from './zoned-time';
import { conflictMessage } from './conflict';

export interface BookingDraft {
  day: string;
  minutes: number;
  chairId: string | null;
  providerId: string | null;
  /** Booking for someone already known (from their record, a conversation, a follow-up). */
  patient?: PatientSummary | null;
  /** A follow-up's visit type. */
  appointmentTypeId?: string | null;
}

interface BookingDialogProps {
  practiceId: string;
  timeZone: string;
  draft: BookingDraft | null;
  chairs: Chair[];
  providers: Provider[];
  types: AppointmentType[];
  canOverbook: boolean;
  onClose: () => void;
  onBooked: (appointment: Appointment) => void;
}

export function BookingDialog(props: BookingDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal open={props.draft !== null} title={t('booking.title')} onClose={props.onClose} wide>
      {props.draft && <BookingForm {...props} draft={props.draft} />}
    </Modal>
  );
}

const SOURCES = ['staff', 'phone', 'walk_in'] as const;

function BookingForm({
  practiceId,
  timeZone,
  draft,
  chairs,
  providers,
  types,
  canOverbook,
  onClose,
  onBooked,
}: BookingDialogProps & { draft: BookingDraft }) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const errorMessage = useErrorMessage();
  const fmt = useCalendarFormat(timeZone);
  const queryClient = useQueryClient();
  const slotsId = useId();
  const [patient, setPatient] = useState<PatientSummary | null>(draft.patient ?? null);
  // Who works on the clicked chair at the clicked time, and a visit type they may perform (not the first dentist and the first type).
  const [defaults] = useState(() => bookingDefaults(draft, providers, types));
  const [typeId, setTypeId] = useState(
    types.find((x) => x.id === draft.appointmentTypeId)?.id ?? (defaults.typeId || (types[0]?.id ?? '')),
  );
  const type = types.find((x) => x.id === typeId);
  const allowed = useMemo(
    () => providers.filter((p) => !type || type.allowedRoles.includes(p.role as never)),
    [providers, type],
  );
  const [chosenProvider, setProviderId] = useState(defaults.providerId);
  const providerId = allowed.some((p) => p.userId === chosenProvider) ? chosenProvider : (allowed[0]?.userId ?? '');
  const [chairId, setChairId] = useState(defaults.chairId ?? chairs[0]?.id ?? '');
  const [day, setDay] = useState(draft.day);
  const [time, setTime] = useState(clock(draft.minutes));
  const [notes, setNotes] = useState('');
  const [source, setSource] = useState<(typeof SOURCES)[number]>('staff');
  const [overbookReason, setOverbookReason] = useState('');
  const [patientMissing, setPatientMissing] = useState(false);

  const availability = useAvailability(
    practiceId,
    typeId && providerId && isDay(day)
      ? {
          appointmentTypeId: typeId,
          providerId,
          from: instantAt(day, 0, timeZone).toISOString(),
          to: instantAt(addDays(day, 1), 0, timeZone).toISOString(),
        }
      : null,
  );
  const slotTimes = useMemo(() => {
    const byStart = new Map<number, string[]>();
    for (const slot of availability.data ?? []) {
      const minutes = wallTimeOf(slot.start, timeZone).minutes;
      byStart.set(minutes, [...(byStart.get(minutes) ?? []), slot.chairId]);
    }
    return [...byStart.entries()].sort((a, b) => a[0] - b[0]);
  }, [availability.data, timeZone]);
  // The time asked for must be one of the free times offered (on this chair); when it is not, the dialog says so.
  const wanted = /^\d\d:\d\d$/.test(time) ? parseClock(time) : null;
  const timeNotFree =
    availability.isSuccess &&
    wanted !== null &&
    !slotTimes.some(([minutes, chairIds]) => minutes === wanted && chairIds.includes(chairId));
  const nearest =
    timeNotFree && wanted !== null
      ? nearestTimes(
          slotTimes.map(([minutes]) => minutes),
          wanted,
        )
      : [];
  const pickTime = (minutes: number) => {
    setTime(clock(minutes));
    const chairIds = slotTimes.find(([m]) => m === minutes)?.[1] ?? [];
    if (!chairIds.includes(chairId) && chairIds[0]) setChairId(chairIds[0]);
  };

  const book = useMutation({
    mutationFn: (body: Record<string, unknown>) => schedulingApi.book(practiceId, body),
    onSuccess: (appointment) => {
      void refreshScheduling(queryClient, practiceId);
      onBooked(appointment);
    },
    onError: () => void availability.refetch(),
  });

  // A patient picked some other way (a likely duplicate offered by the new-patient form) may not be bookable.
  const patientRefusal = patient ? bookingRefusal(patient) : undefined;
  const submit = (event: FormEvent<HTMLFormElement>, overbook = false) => {
    event.preventDefault();
    if (!patient) {
      setPatientMissing(true);
      return;
    }
    if (patientRefusal) return;
    if (!isDay(day) || !/^\d\d:\d\d$/.test(time)) return;
    book.mutate({
      patientId: patient.id,
      appointmentTypeId: typeId,
      providerId,
      chairId,
      start: instantAt(day, parseClock(time), timeZone).toISOString(),
      source,
      notes,
      ...(overbook && overbookReason.trim() ? { overbookReason: overbookReason.trim() } : {}),
    });
  };

  const providerConflict =
    book.error instanceof ApiError && book.error.code === 'slot_taken' && book.error.extra.conflictOn === 'provider';
  const chairName = (id: string) => chairs.find((c) => c.id === id)?.name ?? '';

  return (
    <form onSubmit={(e) => submit(e)} className="booking-form" noValidate>
      <div className="booking-columns">
        <div>
          <PatientPicker
            practiceId={practiceId}
            value={patient}
            onChange={(p) => {
              setPatient(p);
              setPatientMissing(false);
            }}
            error={
              patientMissing ? t('booking.patientRequired') : patientRefusal ? t(`errors.${patientRefusal}`) : undefined
            }
            unavailable={(p) => {
              const refusal = bookingRefusal(p);
              return refusal && t(`errors.${refusal}`);
            }}
          />
          {patient && <ChosenPatientAlert practiceId={practiceId} patientId={patient.id} />}
          <SelectField
            label={t('booking.type')}
            value={typeId}
            onChange={(e) => setTypeId(e.target.value)}
            error={fieldError(book.error, 'appointmentTypeId')}
          >
            {types.map((x) => (
              <option key={x.id} value={x.id}>
                {typeName(x)} ({t('booking.minutes', { count: x.durationMinutes })})
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('booking.provider')}
            value={providerId}
            onChange={(e) => setProviderId(e.target.value)}
            error={fieldError(book.error, 'providerId')}
          >
            {allowed.length === 0 && <option value="">{t('booking.noProviderForType')}</option>}
            {allowed.map((p) => (
              <option key={p.userId} value={p.userId}>
                {p.displayName}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('booking.chair')} value={chairId} onChange={(e) => setChairId(e.target.value)}>
            {chairs.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <div className="grid-2 tight">
            <TextField
              label={t('booking.date')}
              type="date"
              value={day}
              onChange={(e) => setDay(e.target.value)}
              required
            />
            <TextField
              label={t('booking.time')}
              type="time"
              value={time}
              onChange={(e) => setTime(e.target.value)}
              step={300}
              required
            />
          </div>
          {timeNotFree && (
            <Alert tone="warning" urgent={false} className="time-not-free">
              <p>
                {t('booking.timeNotFree', {
                  time,
                  type: typeName(type),
                  provider: providers.find((p) => p.userId === providerId)?.displayName ?? '',
                  chair: chairName(chairId),
                })}
              </p>
              {nearest.length > 0 ? (
                <div className="slot-buttons">
                  <span>{t('booking.nearestFree')}</span>
                  {nearest.map((minutes) => (
                    <button type="button" key={minutes} className="slot-button" onClick={() => pickTime(minutes)}>
                      {clock(minutes)}
                    </button>
                  ))}
                </div>
              ) : (
                <p>{t('booking.noFreeSlots')}</p>
              )}
            </Alert>
          )}
        </div>
        <div>
          <section className="slots" aria-labelledby={slotsId}>
            <h3 id={slotsId}>{t('booking.freeSlots', { date: isDay(day) ? fmt.longDay(day) : '' })}</h3>
            {!typeId || !providerId ? (
              <p className="muted">{t('booking.pickTypeAndProvider')}</p>
            ) : availability.isPending ? (
              <Loading />
            ) : availability.isError ? (
              <p className="muted">{errorMessage(availability.error)}</p>
            ) : slotTimes.length === 0 ? (
              <p className="muted">{t('booking.noFreeSlots')}</p>
            ) : (
              <div className="slot-buttons">
                {slotTimes.map(([minutes, chairIds]) => {
                  const label = clock(minutes);
                  const selected = label === time;
                  return (
                    <button
                      type="button"
                      key={minutes}
                      className="slot-button"
                      aria-pressed={selected}
                      title={chairIds.map(chairName).join(', ')}
                      onClick={() => pickTime(minutes)}
                    >
                      {label}
                    </button>
                  );
                })}
              </div>
            )}
          </section>
          <fieldset className="plain source">
            <legend className="field-label">{t('booking.source')}</legend>
            <div className="radio-row">
              {SOURCES.map((s) => (
                <label key={s} className="radio">
                  <input type="radio" name="source" value={s} checked={source === s} onChange={() => setSource(s)} />
                  {t(`booking.sources.${s}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <TextAreaField
            label={t('booking.notes')}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            maxLength={2000}
          />
        </div>
      </div>

      {book.error ? (
        <Alert tone="error" title={conflictMessage(book.error, errorMessage, t)}>
          {book.error instanceof ApiError && book.error.code === 'slot_taken' ? t('booking.pickAnother') : null}
        </Alert>
      ) : null}
      {providerConflict && canOverbook && (
        <div className="overbook card-inset">
          <TextField
            label={t('booking.overbookReason')}
            hint={t('booking.overbookHint')}
            value={overbookReason}
            onChange={(e) => setOverbookReason(e.target.value)}
          />
          <Button
            variant="danger"
            disabled={overbookReason.trim().length < 3}
            busy={book.isPending}
            onClick={(e) => submit(e as unknown as FormEvent<HTMLFormElement>, true)}
          >
            {t('booking.overbook')}
          </Button>
        </div>
      )}
      <div className="actions dialog-actions">
        <Button
          type="submit"
          variant="primary"
          busy={book.isPending}
          disabled={!providerId || !typeId || patientRefusal !== undefined}
        >
          {t('booking.submit')}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
