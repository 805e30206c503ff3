import type { AppointmentType, PatientSummary, Provider } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { bookingRefusal } from './patient-bookable';
import { PatientPicker } from './PatientPicker';
import { type WaitlistEntryBody, recallsWaitlistApi } from './recalls-waitlist.api';
import { refreshScheduling, useTypeName } from './scheduling.api';

/** Time of day as the form offers it, and as the server stores it (a window of wall-clock times). */
const TIMES_OF_DAY = {
  any: { preferredStart: null, preferredEnd: null },
  morning: { preferredStart: null, preferredEnd: '12:00' },
  afternoon: { preferredStart: '12:00', preferredEnd: null },
} as const;
type TimeOfDay = keyof typeof TIMES_OF_DAY;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Weekday names (ISO 1 = Monday) in the interface language. */
function useWeekdayNames(style: 'long' | 'short') {
  const { i18n } = useTranslation();
  const locale = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr-FR' : 'en-GB';
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' });
    // 2024-01-01 was a Monday.
    return (weekday: number) => f.format(new Date(Date.UTC(2024, 0, weekday, 12)));
  }, [locale, style]);
}

/** An entry's preferred days, time of day and date range in words: "Tue, Thu · Mornings · from 12 Dec 2026". */
export function usePreferredTimes() {
  const { t } = useTranslation();
  const weekday = useWeekdayNames('short');
  return (
    entry: Pick<WaitlistEntryBody, 'preferredWeekdays' | 'preferredStart' | 'preferredEnd' | 'earliest' | 'latest'>,
    formatDay: (day: string) => string,
  ) => {
    const { preferredStart: start, preferredEnd: end } = entry;
    const days = entry.preferredWeekdays.length
      ? entry.preferredWeekdays.map(weekday).join(', ')
      : t('waitlist.anyDay');
    const time =
      start === null && end === null
        ? t('waitlist.anyTime')
        : start === null && end !== null && end <= '12:00'
          ? t('waitlist.mornings')
          : start !== null && start >= '12:00' && end === null
            ? t('waitlist.afternoons')
            : t('waitlist.between', { from: start ?? '00:00', to: end ?? '24:00' });
    const range = [
      entry.earliest && t('waitlist.fromDate', { date: formatDay(entry.earliest) }),
      entry.latest && t('waitlist.untilDate', { date: formatDay(entry.latest) }),
    ].filter(Boolean);
    return [days, time, ...range].join(' · ');
  };
}

/** Put a patient on the waitlist: who (searched as in booking), for what, with whom, and when they can come. */
export function WaitlistAddForm({
  practiceId,
  types,
  providers,
  onClose,
}: {
  practiceId: string;
  types: AppointmentType[];
  providers: Provider[];
  onClose: (added: WaitlistEntryBody | null) => void;
}) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const weekdayName = useWeekdayNames('long');
  const queryClient = useQueryClient();
  const headingId = useId();
  const section = useRef<HTMLElement>(null);
  // Opened to be filled in: start in the patient search.
  useEffect(() => section.current?.querySelector<HTMLInputElement>('input')?.focus(), []);
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [patientMissing, setPatientMissing] = useState(false);
  const [chosenType, setTypeId] = useState('');
  // The types may arrive after the form opens: until one is chosen, the first is.
  const typeId = types.some((x) => x.id === chosenType) ? chosenType : (types[0]?.id ?? '');
  const type = types.find((x) => x.id === typeId);
  const allowed = providers.filter((p) => !type || type.allowedRoles.includes(p.role as never));
  const [providerId, setProviderId] = useState('');
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [timeOfDay, setTimeOfDay] = useState<TimeOfDay>('any');
  const [earliest, setEarliest] = useState('');
  const [latest, setLatest] = useState('');
  const [notes, setNotes] = useState('');
  const add = useMutation({
    mutationFn: (body: Record<string, unknown>) => recallsWaitlistApi.addToWaitlist(practiceId, body),
    onSuccess: (entry) => {
      void refreshScheduling(queryClient, practiceId);
      onClose(entry);
    },
  });
  const patientRefusal = patient ? bookingRefusal(patient) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!patient) {
      setPatientMissing(true);
      return;
    }
    if (patientRefusal) return;
    add.mutate({
      patientId: patient.id,
      appointmentTypeId: typeId,
      providerId: allowed.some((p) => p.userId === providerId) ? providerId : null,
      preferredWeekdays: weekdays,
      ...TIMES_OF_DAY[timeOfDay],
      earliest: earliest || null,
      latest: latest || null,
      notes,
    });
  };
  return (
    <section ref={section} className="card form-card waitlist-add" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('waitlist.addTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <div className="grid-2">
          <div>
            <PatientPicker
              practiceId={practiceId}
              value={patient}
              onChange={(p) => {
                setPatient(p);
                setPatientMissing(false);
              }}
              error={
                patientMissing
                  ? t('booking.patientRequired')
                  : patientRefusal
                    ? t(`errors.${patientRefusal}`)
                    : undefined
              }
              unavailable={(p) => {
                const refusal = bookingRefusal(p);
                return refusal && t(`errors.${refusal}`);
              }}
            />
            <SelectField
              label={t('waitlist.type')}
              value={typeId}
              onChange={(e) => setTypeId(e.target.value)}
              error={fieldError(add.error, 'appointmentTypeId')}
            >
              {types.map((x) => (
                <option key={x.id} value={x.id}>
                  {typeName(x)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('waitlist.provider')}
              value={allowed.some((p) => p.userId === providerId) ? providerId : ''}
              onChange={(e) => setProviderId(e.target.value)}
            >
              <option value="">{t('waitlist.anyProvider')}</option>
              {allowed.map((p) => (
                <option key={p.userId} value={p.userId}>
                  {p.displayName}
                </option>
              ))}
            </SelectField>
          </div>
          <div>
            <fieldset className="plain">
              <legend className="field-label">{t('waitlist.days')}</legend>
              <div className="checkbox-row">
                {WEEKDAYS.map((d) => (
                  <label key={d} className="checkbox">
                    <input
                      type="checkbox"
                      checked={weekdays.includes(d)}
                      onChange={(e) =>
                        setWeekdays((current) => (e.target.checked ? [...current, d] : current.filter((x) => x !== d)))
                      }
                    />
                    {weekdayName(d)}
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset className="plain">
              <legend className="field-label">{t('waitlist.timeOfDay')}</legend>
              <div className="radio-row">
                {(Object.keys(TIMES_OF_DAY) as TimeOfDay[]).map((key) => (
                  <label key={key} className="radio">
                    <input
                      type="radio"
                      name="time-of-day"
                      value={key}
                      checked={timeOfDay === key}
                      onChange={() => setTimeOfDay(key)}
                    />
                    {t(`waitlist.timesOfDay.${key}`)}
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="grid-2 tight">
              <TextField
                label={t('waitlist.earliest')}
                type="date"
                value={earliest}
                onChange={(e) => setEarliest(e.target.value)}
                error={fieldError(add.error, 'earliest')}
              />
              <TextField
                label={t('waitlist.latest')}
                type="date"
                value={latest}
                onChange={(e) => setLatest(e.target.value)}
                error={fieldError(add.error, 'latest')}
              />
            </div>
          </div>
        </div>
        <TextAreaField
          label={t('waitlist.notes')}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          maxLength={500}
          rows={2}
        />
        {add.isError && <ErrorAlert error={add.error} />}
        <div className="actions">
          <Button type="submit" variant="primary" busy={add.isPending} disabled={!typeId}>
            {t('waitlist.submit')}
          </Button>
          <Button onClick={() => onClose(null)}>{t('common.cancel')}</Button>
        </div>
      </form>
    </section>
  );
}
