import type { Chair, Provider } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import type { StaffListBody } from '../../../api/contracts';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { SelectField, TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { refreshScheduling, useChairs, useProviders } from '../scheduling.api';
import type { SettingsSectionProps } from './ScheduleSettingsPage';
import { type HoursRow, WeeklyHoursEditor, hoursProblems } from './WeeklyHoursEditor';

const PROVIDER_ROLES = ['owner', 'dentist', 'hygienist'];

export function ProvidersSettings({ practiceId, manage }: SettingsSectionProps) {
  const { t } = useTranslation();
  const providers = useProviders(practiceId);
  const chairs = useChairs(practiceId);
  if (providers.isPending || chairs.isPending) return <Loading />;
  if (providers.isError) return <ErrorAlert error={providers.error} />;
  return (
    <div className="stack-lg">
      <section aria-labelledby="providers-title">
        <h2 id="providers-title">{t('scheduleSettings.nav.providers')}</h2>
        {providers.data.length === 0 && <p className="muted">{t('scheduleSettings.providers.empty')}</p>}
        <ul className="plain-list stack">
          {providers.data.map((p) => (
            <li key={p.userId} className="card">
              <ProviderCard
                practiceId={practiceId}
                manage={manage}
                provider={p}
                chairs={(chairs.data ?? []).filter((c) => c.active)}
              />
            </li>
          ))}
        </ul>
      </section>
      {manage && <AddProvider practiceId={practiceId} existing={providers.data} />}
    </div>
  );
}

function ProviderCard({
  practiceId,
  manage,
  provider,
  chairs,
}: {
  practiceId: string;
  manage: boolean;
  provider: Provider;
  chairs: Chair[];
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<HoursRow[]>(provider.hours);
  const done = () => void refreshScheduling(queryClient, practiceId);
  const update = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api.patch(`/practices/${practiceId}/providers/${provider.userId}`, body),
    onSuccess: () => toast(t('scheduleSettings.saved')),
    onSettled: done,
  });
  const saveHours = useMutation({
    mutationFn: () =>
      api.put<Provider>(`/practices/${practiceId}/providers/${provider.userId}/hours`, {
        hours: rows.map((r) => ({
          weekday: r.weekday,
          start: r.start,
          end: r.end,
          chairId: r.chairId ?? null,
          validFrom: r.validFrom ?? null,
          validTo: r.validTo ?? null,
        })),
      }),
    onSuccess: () => toast(t('scheduleSettings.providers.hoursSaved', { name: provider.displayName })),
    onSettled: done,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    update.mutate({
      displayName: String(data.get('displayName')),
      colour: String(data.get('colour')),
      active: data.get('active') === 'on',
    });
  };
  return (
    <>
      <h3>
        <span className="cal-dot" style={{ background: provider.colour }} aria-hidden="true" /> {provider.displayName}{' '}
        <span className="badge">{t(`roles.${provider.role}`, { defaultValue: provider.role })}</span>
      </h3>
      <form className="row-form" onSubmit={submit} aria-label={provider.displayName}>
        <TextField
          label={t('scheduleSettings.providers.displayName')}
          name="displayName"
          defaultValue={provider.displayName}
          required
          disabled={!manage}
        />
        <TextField
          label={t('scheduleSettings.colour')}
          name="colour"
          type="color"
          defaultValue={provider.colour}
          disabled={!manage}
          className="small-field"
        />
        <label className="checkbox">
          <input type="checkbox" name="active" defaultChecked={provider.active} disabled={!manage} />
          {t('scheduleSettings.active')}
        </label>
        {manage && (
          <Button type="submit" variant="primary" busy={update.isPending}>
            {t('common.save')}
          </Button>
        )}
      </form>
      <ErrorAlert error={update.error} />
      <details>
        <summary>{t('scheduleSettings.providers.weeklyHours', { count: provider.hours.length })}</summary>
        <WeeklyHoursEditor
          label={t('scheduleSettings.providers.hoursOf', { name: provider.displayName })}
          rows={rows}
          onChange={setRows}
          disabled={!manage}
          chairs={chairs}
        />
        <ErrorAlert error={saveHours.error} />
        {manage && (
          <div className="actions">
            <Button
              variant="primary"
              busy={saveHours.isPending}
              disabled={hoursProblems(rows).size > 0}
              onClick={() => saveHours.mutate()}
            >
              {t('scheduleSettings.hours.save')}
            </Button>
            <span className="muted small">{t('scheduleSettings.hours.replaceHint')}</span>
          </div>
        )}
      </details>
    </>
  );
}

function AddProvider({ practiceId, existing }: { practiceId: string; existing: Provider[] }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const staff = useQuery({
    queryKey: ['staff', practiceId],
    queryFn: () => api.get<StaffListBody>(`/practices/${practiceId}/staff`),
  });
  const candidates = (staff.data?.members ?? []).filter(
    (m) => PROVIDER_ROLES.includes(m.role) && !existing.some((p) => p.userId === m.userId),
  );
  const [userId, setUserId] = useState('');
  const chosen = candidates.find((m) => m.userId === userId) ?? candidates[0];
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<Provider>(`/practices/${practiceId}/providers`, body),
    onSuccess: (p) => {
      toast(t('scheduleSettings.providers.added', { name: p.displayName }));
      void refreshScheduling(queryClient, practiceId);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    create.mutate({
      userId: String(data.get('userId')),
      displayName: String(data.get('displayName')),
      colour: String(data.get('colour')),
    });
  };
  return (
    <section aria-labelledby="provider-add-title" className="card">
      <h2 id="provider-add-title">{t('scheduleSettings.providers.add')}</h2>
      {staff.isPending ? (
        <Loading />
      ) : candidates.length === 0 ? (
        <p className="muted">{t('scheduleSettings.providers.noCandidates')}</p>
      ) : (
        <form className="row-form" onSubmit={submit} key={chosen?.userId}>
          <SelectField
            label={t('scheduleSettings.providers.member')}
            name="userId"
            value={chosen?.userId ?? ''}
            onChange={(e) => setUserId(e.target.value)}
          >
            {candidates.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name} ({t(`roles.${m.role}`)})
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('scheduleSettings.providers.displayName')}
            name="displayName"
            defaultValue={chosen?.name ?? ''}
            required
          />
          <TextField
            label={t('scheduleSettings.colour')}
            name="colour"
            type="color"
            defaultValue="#2563eb"
            className="small-field"
          />
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('scheduleSettings.providers.add')}
          </Button>
        </form>
      )}
      <ErrorAlert error={create.error ?? staff.error} />
    </section>
  );
}
