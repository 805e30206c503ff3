import type { Appointment, PatientSummary } from '@dentalpro/contracts';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { useCurrentPractice } from '../shell/AppShell';
import { BookingDialog, type BookingDraft } from './BookingDialog';
import { useAppointmentTypes, useChairs, useProviders } from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';
import { todayIn, wallTimeOf } from './zoned-time';

/** Where an appointment sits in the calendar: its day, with its panel open. */
export function calendarLinkOf(practiceId: string, appointment: Pick<Appointment, 'id' | 'start'>, timeZone: string) {
  const day = wallTimeOf(appointment.start, timeZone).day;
  return `/app/${practiceId}/calendar?date=${day}&appointment=${appointment.id}`;
}

/** The next quarter hour on the practice's clock today: where a booking from a record or a chat starts looking. */
export function nowDraft(timeZone: string, patient: PatientSummary): BookingDraft {
  const now = wallTimeOf(Date.now(), timeZone).minutes;
  return {
    day: todayIn(timeZone),
    minutes: Math.min(Math.ceil((now + 1) / 15) * 15, 23 * 60 + 45),
    chairId: null,
    providerId: null,
    patient,
  };
}

/**
 * The calendar's booking dialog opened outside the calendar (a patient's record, a conversation,
 * a follow-up on My day): it loads the chairs, providers and visit types itself.
 */
export function BookingLauncher({
  practiceId,
  timeZone,
  draft,
  onClose,
  onBooked,
}: {
  practiceId: string;
  timeZone: string;
  draft: BookingDraft | null;
  onClose: () => void;
  onBooked: (appointment: Appointment) => void;
}) {
  const { can } = useCurrentPractice();
  const chairs = useChairs(practiceId);
  const providers = useProviders(practiceId);
  const types = useAppointmentTypes(practiceId);
  const activeChairs = useMemo(() => (chairs.data ?? []).filter((c) => c.active), [chairs.data]);
  const activeProviders = useMemo(() => (providers.data ?? []).filter((p) => p.active), [providers.data]);
  const activeTypes = useMemo(() => (types.data ?? []).filter((x) => x.active), [types.data]);
  // The dialog's defaults are read once when it opens: wait for what it chooses among.
  const ready = chairs.isSuccess && providers.isSuccess && types.isSuccess;
  return (
    <BookingDialog
      practiceId={practiceId}
      timeZone={timeZone}
      draft={ready ? draft : null}
      chairs={activeChairs}
      providers={activeProviders}
      types={activeTypes}
      canOverbook={can('calendar:overbook')}
      onClose={onClose}
      onBooked={onBooked}
    />
  );
}

/** "Booked: …" with a link to the appointment in the calendar, after booking from outside it; `compact` fits a row of controls. */
export function BookedNotice({
  practiceId,
  timeZone,
  appointment,
  compact = false,
}: {
  practiceId: string;
  timeZone: string;
  appointment: Appointment;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const text = t('calendar.booked', { name: appointment.patientName ?? '', time: fmt.dateTime(appointment.start) });
  const link = <Link to={calendarLinkOf(practiceId, appointment, timeZone)}>{t('bookAnywhere.openInCalendar')}</Link>;
  if (compact)
    return (
      <span role="status" className="booked-inline">
        {text} {link}
      </span>
    );
  return (
    <Alert tone="success" className="booked-notice" urgent={false}>
      {text} {link}
    </Alert>
  );
}

/**
 * A "Book" button for one patient (their record, a conversation linked to them) with the dialog;
 * `onBooked` lets the page show what was booked (BookedNotice) where it fits.
 */
export function BookPatientButton({
  practiceId,
  timeZone,
  patient,
  onBooked,
  variant = 'primary',
}: {
  practiceId: string;
  timeZone: string;
  patient: PatientSummary;
  onBooked: (appointment: Appointment) => void;
  variant?: 'primary' | 'secondary';
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  return (
    <>
      <Button variant={variant} onClick={() => setDraft(nowDraft(timeZone, patient))}>
        <Icon name="calendar" />
        <span>{t('bookAnywhere.book')}</span>
      </Button>
      <BookingLauncher
        practiceId={practiceId}
        timeZone={timeZone}
        draft={draft}
        onClose={() => setDraft(null)}
        onBooked={(appointment) => {
          setDraft(null);
          onBooked(appointment);
        }}
      />
    </>
  );
}
