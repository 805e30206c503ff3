import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { refreshScheduling, useOpeningHours } from '../scheduling.api';
import type { SettingsSectionProps } from './ScheduleSettingsPage';
import { type HoursRow, WeeklyHoursEditor, hoursProblems } from './WeeklyHoursEditor';

export function OpeningHoursSettings({ practiceId, manage }: SettingsSectionProps) {
  const hours = useOpeningHours(practiceId);
  if (hours.isPending) return <Loading />;
  if (hours.isError) return <ErrorAlert error={hours.error} />;
  return <OpeningHoursForm practiceId={practiceId} manage={manage} initial={hours.data} />;
}

function OpeningHoursForm({ practiceId, manage, initial }: SettingsSectionProps & { initial: HoursRow[] }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<HoursRow[]>(initial);
  const save = useMutation({
    mutationFn: () =>
      api.put(`/practices/${practiceId}/opening-hours`, {
        hours: rows.map(({ weekday, start, end }) => ({ weekday, start, end })),
      }),
    onSuccess: () => {
      toast(t('scheduleSettings.saved'));
      void refreshScheduling(queryClient, practiceId);
    },
  });
  return (
    <section aria-labelledby="opening-title" className="card">
      <h2 id="opening-title">{t('scheduleSettings.nav.opening-hours')}</h2>
      <p className="muted">{t('scheduleSettings.hours.openingIntro')}</p>
      <WeeklyHoursEditor
        label={t('scheduleSettings.nav.opening-hours')}
        rows={rows}
        onChange={setRows}
        disabled={!manage}
      />
      <ErrorAlert error={save.error} />
      {manage && (
        <div className="actions">
          <Button
            variant="primary"
            busy={save.isPending}
            disabled={hoursProblems(rows).size > 0}
            onClick={() => save.mutate()}
          >
            {t('scheduleSettings.hours.save')}
          </Button>
        </div>
      )}
    </section>
  );
}
