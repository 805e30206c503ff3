import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { TextField } from '../../components/Field';
import { clock, instantAt, isDay, parseClock, wallTimeOf } from './zoned-time';

/** A closure's or block's period as its form shows it: dates and times on the practice's clock. */
export interface PeriodDraft {
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
}

export function periodDraft(start: string, end: string, timeZone: string): PeriodDraft {
  const from = wallTimeOf(start, timeZone);
  const to = wallTimeOf(end, timeZone);
  return { startDate: from.day, startTime: clock(from.minutes), endDate: to.day, endTime: clock(to.minutes) };
}

/**
 * The period typed in, as instants; or the refusal the server would give when the end is not
 * after the start (checked here first, shown the same way). Null while a date is incomplete.
 */
export function readPeriod(data: FormData, timeZone: string): { start: string; end: string } | ApiError | null {
  const get = (name: string) => String(data.get(name) ?? '');
  if (!isDay(get('startDate')) || !isDay(get('endDate'))) return null;
  const start = instantAt(get('startDate'), parseClock(get('startTime') || '00:00'), timeZone);
  const end = instantAt(get('endDate'), parseClock(get('endTime') || '00:00'), timeZone);
  if (end <= start)
    return new ApiError({ status: 422, code: 'invalid_period', title: 'The end must be after the start' });
  return { start: start.toISOString(), end: end.toISOString() };
}

/** Start and end, date and time each; a refusal of either shows beside its date. */
export function PeriodFields({
  draft,
  error,
}: {
  draft: Partial<PeriodDraft>;
  error: (path: 'start' | 'end') => string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <div className="grid-2 tight">
      <TextField
        label={t('calendar.block.startDate')}
        name="startDate"
        type="date"
        defaultValue={draft.startDate}
        required
        error={error('start')}
      />
      <TextField
        label={t('calendar.block.startTime')}
        name="startTime"
        type="time"
        defaultValue={draft.startTime}
        required
      />
      <TextField
        label={t('calendar.block.endDate')}
        name="endDate"
        type="date"
        defaultValue={draft.endDate}
        required
        error={error('end')}
      />
      <TextField label={t('calendar.block.endTime')} name="endTime" type="time" defaultValue={draft.endTime} required />
    </div>
  );
}
