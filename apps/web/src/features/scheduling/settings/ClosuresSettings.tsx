import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { usePractice } from '../../practices/practices.api';
import { refreshScheduling, useClosures } from '../scheduling.api';
import { useCalendarFormat } from '../useCalendarFormat';
import { instantAt, isDay, parseClock } from '../zoned-time';
import type { SettingsSectionProps } from './ScheduleSettingsPage';

/** Periods the whole practice is closed (works, training days…), entered on the practice's clock. */
export function ClosuresSettings({ practiceId, manage }: SettingsSectionProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';
  const fmt = useCalendarFormat(timeZone);
  const closures = useClosures(practiceId);
  const done = () => void refreshScheduling(queryClient, practiceId);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post(`/practices/${practiceId}/closures`, body),
    onSuccess: () => toast(t('scheduleSettings.closures.added')),
    onSettled: done,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/practices/${practiceId}/closures/${id}`),
    onSuccess: () => toast(t('scheduleSettings.closures.deleted')),
    onSettled: done,
  });
  if (closures.isPending || practice.isPending) return <Loading />;
  if (closures.isError) return <ErrorAlert error={closures.error} />;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const get = (n: string) => String(data.get(n) ?? '');
    if (!isDay(get('startDate')) || !isDay(get('endDate'))) return;
    create.mutate(
      {
        start: instantAt(get('startDate'), parseClock(get('startTime') || '00:00'), timeZone).toISOString(),
        end: instantAt(get('endDate'), parseClock(get('endTime') || '00:00'), timeZone).toISOString(),
        reason: get('reason'),
      },
      { onSuccess: () => form.reset() },
    );
  };
  const items = [...closures.data].sort((a, b) => b.start.localeCompare(a.start));
  return (
    <div className="stack-lg">
      <section aria-labelledby="closures-title">
        <h2 id="closures-title">{t('scheduleSettings.nav.closures')}</h2>
        <p className="muted">{t('scheduleSettings.closures.intro', { timeZone })}</p>
        {items.length === 0 ? (
          <p className="muted">{t('scheduleSettings.closures.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('scheduleSettings.closures.from')}</th>
                  <th scope="col">{t('scheduleSettings.closures.to')}</th>
                  <th scope="col">{t('scheduleSettings.closures.reason')}</th>
                  {manage && (
                    <th scope="col">
                      <span className="visually-hidden">{t('common.actions')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id}>
                    <td>{fmt.dateTime(c.start)}</td>
                    <td>{fmt.dateTime(c.end)}</td>
                    <td>{c.reason || '—'}</td>
                    {manage && (
                      <td className="cell-actions">
                        <Button variant="danger" busy={remove.isPending && remove.variables === c.id} onClick={() => remove.mutate(c.id)}>
                          {t('scheduleSettings.delete')}
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ErrorAlert error={remove.error} />
      </section>
      {manage && (
        <section aria-labelledby="closure-add-title" className="card">
          <h2 id="closure-add-title">{t('scheduleSettings.closures.add')}</h2>
          <form onSubmit={submit}>
            <div className="grid-2 tight">
              <TextField label={t('calendar.block.startDate')} name="startDate" type="date" required />
              <TextField label={t('calendar.block.startTime')} name="startTime" type="time" defaultValue="00:00" required />
              <TextField label={t('calendar.block.endDate')} name="endDate" type="date" required />
              <TextField label={t('calendar.block.endTime')} name="endTime" type="time" defaultValue="23:59" required />
            </div>
            <TextField label={t('scheduleSettings.closures.reason')} name="reason" maxLength={200} />
            <ErrorAlert error={create.error} />
            <Button type="submit" variant="primary" busy={create.isPending}>
              {t('scheduleSettings.closures.add')}
            </Button>
          </form>
        </section>
      )}
    </div>
  );
}
