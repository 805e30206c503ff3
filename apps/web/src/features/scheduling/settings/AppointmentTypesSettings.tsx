import type { AppointmentType } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/Toast';
import { refreshScheduling, useAppointmentTypes, useTypeName } from '../scheduling.api';
import type { SettingsSectionProps } from './ScheduleSettingsPage';

const ROLES = ['owner', 'dentist', 'hygienist'] as const;

export function AppointmentTypesSettings({ practiceId, manage }: SettingsSectionProps) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const types = useAppointmentTypes(practiceId);
  const [editing, setEditing] = useState<AppointmentType | 'new' | null>(null);
  if (types.isPending) return <Loading />;
  if (types.isError) return <ErrorAlert error={types.error} />;
  return (
    <section aria-labelledby="types-title">
      <div className="page-head">
        <h2 id="types-title">{t('scheduleSettings.nav.appointment-types')}</h2>
        {manage && (
          <Button variant="primary" onClick={() => setEditing('new')}>
            + {t('scheduleSettings.types.add')}
          </Button>
        )}
      </div>
      {types.data.length === 0 ? (
        <p className="muted">{t('scheduleSettings.types.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('scheduleSettings.types.duration')}</th>
                <th scope="col">{t('scheduleSettings.types.roles')}</th>
                <th scope="col">{t('scheduleSettings.types.whatsapp')}</th>
                <th scope="col">{t('scheduleSettings.active')}</th>
                {manage && (
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {types.data.map((x) => (
                <tr key={x.id}>
                  <th scope="row">
                    <span className="cal-dot" style={{ background: x.colour }} aria-hidden="true" /> {typeName(x)}
                  </th>
                  <td>
                    {t('booking.minutes', { count: x.durationMinutes })}
                    {x.bufferAfterMinutes > 0 && (
                      <span className="muted small block">
                        + {t('booking.minutes', { count: x.bufferAfterMinutes })}
                      </span>
                    )}
                  </td>
                  <td>{x.allowedRoles.map((r) => t(`roles.${r}`)).join(', ')}</td>
                  <td>{x.whatsappBookable ? t('scheduleSettings.yes') : t('scheduleSettings.no')}</td>
                  <td>{x.active ? t('scheduleSettings.yes') : t('scheduleSettings.no')}</td>
                  {manage && (
                    <td className="cell-actions">
                      <Button
                        onClick={() => setEditing(x)}
                        aria-label={t('scheduleSettings.types.editNamed', { name: typeName(x) })}
                      >
                        {t('scheduleSettings.edit')}
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('scheduleSettings.types.add') : t('scheduleSettings.types.edit')}
        onClose={() => setEditing(null)}
        wide
      >
        {editing !== null && (
          <TypeForm practiceId={practiceId} type={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
        )}
      </Modal>
    </section>
  );
}

function TypeForm({
  practiceId,
  type,
  onDone,
}: {
  practiceId: string;
  type: AppointmentType | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      type
        ? api.patch(`/practices/${practiceId}/appointment-types/${type.id}`, body)
        : api.post(`/practices/${practiceId}/appointment-types`, body),
    onSuccess: () => {
      toast(t('scheduleSettings.saved'));
      void refreshScheduling(queryClient, practiceId);
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const num = (name: string) => Number(data.get(name));
    save.mutate({
      nameEn: String(data.get('nameEn')),
      nameFr: String(data.get('nameFr')),
      durationMinutes: num('durationMinutes'),
      bufferAfterMinutes: num('bufferAfterMinutes'),
      allowedRoles: ROLES.filter((r) => data.get(`role-${r}`) === 'on'),
      colour: String(data.get('colour')),
      whatsappBookable: data.get('whatsappBookable') === 'on',
      minNoticeMinutes: Math.round(num('minNoticeHours') * 60),
      maxDaysAhead: num('maxDaysAhead'),
      active: data.get('active') === 'on',
    });
  };
  const e = (path: string) => fieldError(save.error, path);
  return (
    <form onSubmit={submit}>
      <div className="grid-2">
        <TextField
          label={t('scheduleSettings.types.nameEn')}
          name="nameEn"
          lang="en"
          defaultValue={type?.nameEn}
          required
          error={e('nameEn')}
        />
        <TextField
          label={t('scheduleSettings.types.nameFr')}
          name="nameFr"
          lang="fr"
          defaultValue={type?.nameFr}
          required
          error={e('nameFr')}
        />
        <TextField
          label={t('scheduleSettings.types.durationMinutes')}
          name="durationMinutes"
          type="number"
          min={5}
          max={480}
          step={5}
          defaultValue={type?.durationMinutes ?? 30}
          required
          error={e('durationMinutes')}
        />
        <TextField
          label={t('scheduleSettings.types.bufferMinutes')}
          name="bufferAfterMinutes"
          type="number"
          min={0}
          max={120}
          step={5}
          defaultValue={type?.bufferAfterMinutes ?? 0}
          error={e('bufferAfterMinutes')}
        />
        <TextField
          label={t('scheduleSettings.types.minNotice')}
          name="minNoticeHours"
          type="number"
          min={0}
          max={720}
          step={0.5}
          defaultValue={(type?.minNoticeMinutes ?? 120) / 60}
          error={e('minNoticeMinutes')}
        />
        <TextField
          label={t('scheduleSettings.types.maxDaysAhead')}
          name="maxDaysAhead"
          type="number"
          min={1}
          max={730}
          defaultValue={type?.maxDaysAhead ?? 90}
          error={e('maxDaysAhead')}
        />
        <TextField
          label={t('scheduleSettings.colour')}
          name="colour"
          type="color"
          defaultValue={type?.colour ?? '#0ea5e9'}
        />
      </div>
      <fieldset className="plain">
        <legend className="field-label">{t('scheduleSettings.types.roles')}</legend>
        <div className="checkbox-group">
          {ROLES.map((r) => (
            <label key={r} className="checkbox">
              <input
                type="checkbox"
                name={`role-${r}`}
                defaultChecked={type ? type.allowedRoles.includes(r) : r === 'dentist' || r === 'owner'}
              />
              {t(`roles.${r}`)}
            </label>
          ))}
        </div>
        {e('allowedRoles') && <p className="field-error">{e('allowedRoles')}</p>}
      </fieldset>
      <div className="checkbox-group">
        <label className="checkbox">
          <input type="checkbox" name="whatsappBookable" defaultChecked={type?.whatsappBookable ?? false} />
          {t('scheduleSettings.types.whatsappBookable')}
        </label>
        <label className="checkbox">
          <input type="checkbox" name="active" defaultChecked={type?.active ?? true} />
          {t('scheduleSettings.active')}
        </label>
      </div>
      <ErrorAlert error={save.error} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('common.save')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
