import type { Appointment, AppointmentType, Patient, Provider } from '@dentalpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { AvailabilityBody } from '../../api/contracts';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { BookingLauncher } from '../scheduling/BookFromAnywhere';
import type { BookingDraft } from '../scheduling/BookingDialog';
import { useTypeName } from '../scheduling/scheduling.api';
import { addDays, instantAt, todayIn, wallTimeOf } from '../scheduling/zoned-time';
import { FOLLOW_UP_INTERVALS, type FollowUpInterval, followUpDay, nearestSlot } from './day-plan';

interface FollowUpDialogProps {
  practiceId: string;
  timeZone: string;
  appointment: Appointment;
  provider: Provider | undefined;
  types: AppointmentType[];
  onClose: () => void;
  onBooked: (appointment: Appointment) => void;
}

/**
 * "Book follow-up" from My day: the visit type, how soon, and whether with the same provider; then
 * the booking dialog opens on the free time nearest that day (the visit's own time of day if free).
 */
export function FollowUpDialog({
  practiceId,
  timeZone,
  appointment: a,
  provider,
  types,
  onClose,
  onBooked,
}: FollowUpDialogProps) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const [typeId, setTypeId] = useState(
    types.some((x) => x.id === a.appointmentTypeId) ? a.appointmentTypeId : (types[0]?.id ?? ''),
  );
  const [interval, setFollowUpInterval] = useState<FollowUpInterval>('1m');
  const [sameProvider, setSameProvider] = useState(true);
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const type = types.find((x) => x.id === typeId);
  const providerMay = Boolean(provider && type && (type.allowedRoles as readonly string[]).includes(provider.role));
  const withSame = sameProvider && providerMay;

  const find = useMutation({
    mutationFn: async () => {
      if (!a.patientId) throw new Error('An appointment without a patient has no follow-up');
      const target = followUpDay(wallTimeOf(a.start, timeZone).day, interval);
      const today = todayIn(timeZone);
      const fromDay = addDays(target, -3) > today ? addDays(target, -3) : addDays(today, 1);
      const [patient, availability] = await Promise.all([
        api.get<Patient>(`/practices/${practiceId}/patients/${a.patientId}`),
        api.get<AvailabilityBody>(`/practices/${practiceId}/availability`, {
          appointmentTypeId: typeId,
          ...(withSame ? { providerId: a.providerId } : {}),
          from: instantAt(fromDay, 0, timeZone).toISOString(),
          to: instantAt(addDays(target, 8), 0, timeZone).toISOString(),
        }),
      ]);
      const ownMinutes = wallTimeOf(a.start, timeZone).minutes;
      const slot = nearestSlot(availability.slots, target, ownMinutes, timeZone);
      const at = slot ? wallTimeOf(slot.start, timeZone) : { day: target, minutes: ownMinutes };
      return {
        day: at.day,
        minutes: at.minutes,
        chairId: slot?.chairId ?? a.chairId,
        providerId: slot?.providerId ?? (withSame ? a.providerId : null),
        patient,
        appointmentTypeId: typeId,
      } satisfies BookingDraft;
    },
    onSuccess: setDraft,
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (typeId) find.mutate();
  };

  return (
    <>
      <Modal open={draft === null} title={t('today.followUp.title', { name: a.patientName ?? '' })} onClose={onClose}>
        <form onSubmit={submit} className="follow-up-form" noValidate>
          <SelectField label={t('booking.type')} value={typeId} onChange={(e) => setTypeId(e.target.value)}>
            {types.map((x) => (
              <option key={x.id} value={x.id}>
                {typeName(x)} ({t('booking.minutes', { count: x.durationMinutes })})
              </option>
            ))}
          </SelectField>
          <fieldset className="plain">
            <legend className="field-label">{t('today.followUp.interval')}</legend>
            <div className="radio-row">
              {FOLLOW_UP_INTERVALS.map((value) => (
                <label key={value} className="radio">
                  <input
                    type="radio"
                    name="interval"
                    value={value}
                    checked={interval === value}
                    onChange={() => setFollowUpInterval(value)}
                  />
                  {t(`today.followUp.intervals.${value}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={withSame}
              disabled={!providerMay}
              onChange={(e) => setSameProvider(e.target.checked)}
            />
            {t('today.followUp.sameProvider', { name: provider?.displayName ?? '' })}
          </label>
          {!providerMay && provider && <p className="muted small">{t('today.followUp.providerMayNot')}</p>}
          {find.error ? <ErrorAlert error={find.error} /> : null}
          <div className="actions dialog-actions">
            <Button type="submit" variant="primary" busy={find.isPending} disabled={!typeId}>
              {t('today.followUp.findTime')}
            </Button>
            <Button variant="secondary" onClick={onClose}>
              {t('common.cancel')}
            </Button>
          </div>
        </form>
      </Modal>
      <BookingLauncher
        practiceId={practiceId}
        timeZone={timeZone}
        draft={draft}
        onClose={onClose}
        onBooked={onBooked}
      />
    </>
  );
}
