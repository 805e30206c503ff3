import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { SelectField, TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { refreshScheduling, useCalendarSettings } from '../scheduling.api';
import type { SettingsSectionProps } from './ScheduleSettingsPage';

const STEPS = [5, 10, 15, 20, 30, 60];

export function CalendarOptionsSettings({ practiceId, manage }: SettingsSectionProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useCalendarSettings(practiceId);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.patch(`/practices/${practiceId}/calendar-settings`, body),
    onSuccess: () => {
      toast(t('scheduleSettings.saved'));
      void refreshScheduling(queryClient, practiceId);
    },
  });
  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    save.mutate({ slotStepMinutes: Number(data.get('slotStepMinutes')), holdMinutes: Number(data.get('holdMinutes')) });
  };
  return (
    <section aria-labelledby="options-title" className="card form-card">
      <h2 id="options-title">{t('scheduleSettings.nav.options')}</h2>
      <form onSubmit={submit}>
        <fieldset className="plain" disabled={!manage}>
          <SelectField
            label={t('scheduleSettings.options.slotStep')}
            hint={t('scheduleSettings.options.slotStepHint')}
            name="slotStepMinutes"
            defaultValue={settings.data.slotStepMinutes}
            className="narrow-field"
          >
            {STEPS.map((s) => (
              <option key={s} value={s}>
                {t('booking.minutes', { count: s })}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('scheduleSettings.options.hold')}
            hint={t('scheduleSettings.options.holdHint')}
            name="holdMinutes"
            type="number"
            min={1}
            max={60}
            defaultValue={settings.data.holdMinutes}
            className="narrow-field"
            error={fieldError(save.error, 'holdMinutes')}
          />
        </fieldset>
        <ErrorAlert error={save.error} />
        {manage && (
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('common.save')}
          </Button>
        )}
      </form>
    </section>
  );
}
