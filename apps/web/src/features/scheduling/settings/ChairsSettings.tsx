import type { Chair } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { refreshScheduling, useChairs } from '../scheduling.api';
import type { SettingsSectionProps } from './ScheduleSettingsPage';

export function ChairsSettings({ practiceId, manage }: SettingsSectionProps) {
  const { t } = useTranslation();
  const chairs = useChairs(practiceId);
  const queryClient = useQueryClient();
  const toast = useToast();
  const done = () => void refreshScheduling(queryClient, practiceId);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<Chair>(`/practices/${practiceId}/chairs`, body),
    onSuccess: (c) => toast(t('scheduleSettings.chairs.added', { name: c.name })),
    onSettled: done,
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      api.patch<Chair>(`/practices/${practiceId}/chairs/${id}`, body),
    onSuccess: () => toast(t('scheduleSettings.saved')),
    onSettled: done,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete<Chair | undefined>(`/practices/${practiceId}/chairs/${id}`),
    onSuccess: (kept) => toast(kept ? t('scheduleSettings.chairs.deactivated') : t('scheduleSettings.chairs.deleted')),
    onSettled: done,
  });
  if (chairs.isPending) return <Loading />;
  if (chairs.isError) return <ErrorAlert error={chairs.error} />;

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      { name: String(data.get('name')), colour: String(data.get('colour')), sortOrder: chairs.data.length },
      { onSuccess: () => form.reset() },
    );
  };
  const save = (chair: Chair) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    update.mutate({
      id: chair.id,
      body: {
        name: String(data.get('name')),
        colour: String(data.get('colour')),
        sortOrder: Number(data.get('sortOrder')),
        active: data.get('active') === 'on',
      },
    });
  };

  return (
    <div className="stack-lg">
      <section aria-labelledby="chairs-title">
        <h2 id="chairs-title">{t('scheduleSettings.nav.chairs')}</h2>
        {chairs.data.length === 0 && <p className="muted">{t('scheduleSettings.chairs.empty')}</p>}
        <ErrorAlert error={update.error ?? remove.error} />
        <ul className="plain-list stack">
          {chairs.data.map((chair) => (
            <li key={chair.id} className="card">
              <form className="row-form" onSubmit={save(chair)} aria-label={chair.name}>
                <TextField label={t('common.name')} name="name" defaultValue={chair.name} required disabled={!manage} />
                <TextField
                  label={t('scheduleSettings.colour')}
                  name="colour"
                  type="color"
                  defaultValue={chair.colour}
                  disabled={!manage}
                  className="small-field"
                />
                <TextField
                  label={t('scheduleSettings.order')}
                  name="sortOrder"
                  type="number"
                  min={0}
                  max={1000}
                  defaultValue={chair.sortOrder}
                  disabled={!manage}
                  className="small-field"
                />
                <label className="checkbox">
                  <input type="checkbox" name="active" defaultChecked={chair.active} disabled={!manage} />
                  {t('scheduleSettings.active')}
                </label>
                {manage && (
                  <>
                    <Button
                      type="submit"
                      variant="primary"
                      busy={update.isPending && update.variables?.id === chair.id}
                    >
                      {t('common.save')}
                    </Button>
                    <Button
                      variant="danger"
                      busy={remove.isPending && remove.variables === chair.id}
                      onClick={() => remove.mutate(chair.id)}
                      aria-label={t('scheduleSettings.chairs.removeNamed', { name: chair.name })}
                    >
                      {t('scheduleSettings.chairs.remove')}
                    </Button>
                  </>
                )}
              </form>
            </li>
          ))}
        </ul>
        {manage && <p className="muted small">{t('scheduleSettings.chairs.removeHint')}</p>}
      </section>
      {manage && (
        <section aria-labelledby="chair-add-title" className="card">
          <h2 id="chair-add-title">{t('scheduleSettings.chairs.add')}</h2>
          <form className="row-form" onSubmit={add}>
            <TextField label={t('common.name')} name="name" required error={fieldError(create.error, 'name')} />
            <TextField
              label={t('scheduleSettings.colour')}
              name="colour"
              type="color"
              defaultValue="#0f766e"
              className="small-field"
            />
            <Button type="submit" variant="primary" busy={create.isPending}>
              {t('scheduleSettings.chairs.add')}
            </Button>
          </form>
          <ErrorAlert error={create.error} />
        </section>
      )}
    </div>
  );
}
