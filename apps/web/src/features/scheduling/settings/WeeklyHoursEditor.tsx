import type { Chair } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { useDayFormat } from '../../../components/format';
import { parseClock } from '../zoned-time';

export interface HoursRow {
  weekday: number;
  start: string;
  end: string;
  chairId?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
}

/** Weekday names Monday…Sunday in the interface language. */
export function useWeekdayNames() {
  const { i18n } = useTranslation();
  const locale = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr-FR' : 'en-GB';
  const f = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** The same checks the server makes, so a mistake is marked on its row in the interface language. */
export function hoursProblems(rows: HoursRow[]): Map<number, 'invalid_period' | 'schedule_overlap'> {
  const problems = new Map<number, 'invalid_period' | 'schedule_overlap'>();
  rows.forEach((r, i) => {
    if (!/^\d\d:\d\d$/.test(r.start) || !/^\d\d:\d\d$/.test(r.end) || parseClock(r.end) <= parseClock(r.start))
      problems.set(i, 'invalid_period');
    else if (r.validFrom && r.validTo && r.validTo < r.validFrom) problems.set(i, 'invalid_period');
  });
  rows.forEach((a, i) => {
    rows.forEach((b, j) => {
      if (j <= i || a.weekday !== b.weekday || problems.has(i) || problems.has(j)) return;
      const timesMeet = parseClock(a.start) < parseClock(b.end) && parseClock(b.start) < parseClock(a.end);
      const datesMeet =
        (a.validFrom ?? '0000') <= (b.validTo ?? '9999') && (b.validFrom ?? '0000') <= (a.validTo ?? '9999');
      if (timesMeet && datesMeet) {
        problems.set(i, 'schedule_overlap');
        problems.set(j, 'schedule_overlap');
      }
    });
  });
  return problems;
}

interface WeeklyHoursEditorProps {
  label: string;
  rows: HoursRow[];
  onChange: (rows: HoursRow[]) => void;
  disabled: boolean;
  /** With chairs, each interval may name the chair it is spent in. */
  chairs?: Chair[];
}

/** Per weekday, any number of intervals (morning and afternoon with a lunch gap, for instance). */
export function WeeklyHoursEditor({ label, rows, onChange, disabled, chairs }: WeeklyHoursEditorProps) {
  const { t } = useTranslation();
  const formatDay = useDayFormat();
  const days = useWeekdayNames();
  const problems = hoursProblems(rows);
  const set = (index: number, patch: Partial<HoursRow>) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border, padding, min-width and legend rules.
    <div className="hours-editor" role="group" aria-label={label}>
      {days.map((dayName, d) => {
        const weekday = d + 1;
        const indexed = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.weekday === weekday);
        return (
          <div key={weekday} className="hours-day">
            <div className="hours-day-name">{dayName}</div>
            <div>
              {indexed.length === 0 && <p className="muted hours-closed">{t('scheduleSettings.hours.none')}</p>}
              {indexed.map(({ r, i }, n) => {
                const problem = problems.get(i);
                const name = `${dayName} ${n + 1}`;
                return (
                  <div key={i} className={`hours-interval${problem ? ' is-invalid' : ''}`}>
                    <label className="visually-hidden" htmlFor={`h-${label}-${i}-s`}>
                      {t('scheduleSettings.hours.startOf', { name })}
                    </label>
                    <input
                      id={`h-${label}-${i}-s`}
                      type="time"
                      value={r.start}
                      disabled={disabled}
                      onChange={(e) => set(i, { start: e.target.value })}
                      aria-invalid={problem ? true : undefined}
                    />
                    <span aria-hidden="true">–</span>
                    <label className="visually-hidden" htmlFor={`h-${label}-${i}-e`}>
                      {t('scheduleSettings.hours.endOf', { name })}
                    </label>
                    <input
                      id={`h-${label}-${i}-e`}
                      type="time"
                      value={r.end}
                      disabled={disabled}
                      onChange={(e) => set(i, { end: e.target.value })}
                      aria-invalid={problem ? true : undefined}
                    />
                    {chairs && (
                      <>
                        <label className="visually-hidden" htmlFor={`h-${label}-${i}-c`}>
                          {t('scheduleSettings.hours.chairOf', { name })}
                        </label>
                        <select
                          id={`h-${label}-${i}-c`}
                          value={r.chairId ?? ''}
                          disabled={disabled}
                          onChange={(e) => set(i, { chairId: e.target.value || null })}
                        >
                          <option value="">{t('scheduleSettings.hours.anyChair')}</option>
                          {chairs.map((c) => (
                            <option key={c.id} value={c.id}>
                              {c.name}
                            </option>
                          ))}
                        </select>
                      </>
                    )}
                    {(r.validFrom || r.validTo) && (
                      <span className="muted small">
                        {t('scheduleSettings.hours.valid', {
                          from: r.validFrom ? formatDay(r.validFrom) : '…',
                          to: r.validTo ? formatDay(r.validTo) : '…',
                        })}
                      </span>
                    )}
                    {!disabled && (
                      <Button
                        variant="ghost"
                        onClick={() => onChange(rows.filter((_, k) => k !== i))}
                        aria-label={t('scheduleSettings.hours.removeOf', { name })}
                      >
                        {t('scheduleSettings.hours.remove')}
                      </Button>
                    )}
                    {problem && (
                      <p className="field-error" role="alert">
                        {t(`errors.${problem}`)}
                      </p>
                    )}
                  </div>
                );
              })}
              {!disabled && (
                <Button
                  variant="ghost"
                  onClick={() =>
                    onChange([
                      ...rows,
                      { weekday, start: '08:00', end: '12:00', chairId: null, validFrom: null, validTo: null },
                    ])
                  }
                  aria-label={t('scheduleSettings.hours.addOn', { day: dayName })}
                >
                  + {t('scheduleSettings.hours.add')}
                </Button>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
