import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import type { HolidayBody } from '../../../api/contracts';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/Toast';
import { useFieldRefusals } from '../refusals';
import { refreshScheduling, useHolidays, useTypeName } from '../scheduling.api';
import { useCalendarFormat } from '../useCalendarFormat';
import type { SettingsSectionProps } from './ScheduleSettingsPage';

export function HolidaysSettings({ practiceId, manage }: SettingsSectionProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const name = useTypeName();
  const fmt = useCalendarFormat('UTC');
  const yearId = useId();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [editing, setEditing] = useState<HolidayBody | 'new' | null>(null);
  const holidays = useHolidays(practiceId, year);
  const done = () => void refreshScheduling(queryClient, practiceId);
  const importMu = useMutation({
    mutationFn: () => api.post<{ added: number }>(`/practices/${practiceId}/holidays/import-mauritius`),
    onSuccess: (r) => toast(t('scheduleSettings.holidays.imported', { count: r.added })),
    onSettled: done,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/practices/${practiceId}/holidays/${id}`),
    onSuccess: () => toast(t('scheduleSettings.holidays.deleted')),
    onSettled: done,
  });
  return (
    <section aria-labelledby="holidays-title">
      <div className="page-head">
        <h2 id="holidays-title">{t('scheduleSettings.nav.holidays')}</h2>
        <div className="actions">
          <label htmlFor={yearId} className="field-label">
            {t('scheduleSettings.holidays.year')}
          </label>
          <select id={yearId} value={year} onChange={(e) => setYear(Number(e.target.value))} style={{ width: 'auto' }}>
            {[thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
          {manage && (
            <>
              <Button busy={importMu.isPending} onClick={() => importMu.mutate()}>
                {t('scheduleSettings.holidays.import')}
              </Button>
              <Button variant="primary" onClick={() => setEditing('new')}>
                + {t('scheduleSettings.holidays.add')}
              </Button>
            </>
          )}
        </div>
      </div>
      <p className="muted">{t('scheduleSettings.holidays.intro')}</p>
      <ErrorAlert error={importMu.error ?? remove.error} />
      {holidays.isPending ? (
        <Loading />
      ) : holidays.isError ? (
        <ErrorAlert error={holidays.error} />
      ) : holidays.data.length === 0 ? (
        <p className="muted">{t('scheduleSettings.holidays.empty', { year })}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('booking.date')}</th>
                <th scope="col">{t('common.name')}</th>
                {manage && (
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {holidays.data.map((h) => (
                <tr key={h.id}>
                  <td className="nowrap">{fmt.longDay(h.date)}</td>
                  <th scope="row">
                    {name(h)}
                    {h.provisional && <span className="badge">{t('scheduleSettings.holidays.provisional')}</span>}
                  </th>
                  {manage && (
                    <td className="cell-actions">
                      <Button
                        onClick={() => setEditing(h)}
                        aria-label={t('scheduleSettings.holidays.editNamed', { name: name(h) })}
                      >
                        {t('scheduleSettings.edit')}
                      </Button>{' '}
                      <Button
                        variant="danger"
                        busy={remove.isPending && remove.variables === h.id}
                        onClick={() => remove.mutate(h.id)}
                        aria-label={t('scheduleSettings.holidays.deleteNamed', { name: name(h) })}
                      >
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
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('scheduleSettings.holidays.add') : t('scheduleSettings.holidays.edit')}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <HolidayForm
            practiceId={practiceId}
            holiday={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </section>
  );
}

function HolidayForm({
  practiceId,
  holiday,
  onDone,
}: {
  practiceId: string;
  holiday: HolidayBody | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      holiday
        ? api.patch(`/practices/${practiceId}/holidays/${holiday.id}`, body)
        : api.post(`/practices/${practiceId}/holidays`, body),
    onSuccess: () => {
      toast(t('scheduleSettings.saved'));
      void refreshScheduling(queryClient, practiceId);
      onDone();
    },
  });
  // A second holiday on a date is refused as a duplicate: said beside the date.
  const refusals = useFieldRefusals(save.error, { duplicate_name: 'date' }, form);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    save.mutate({
      date: String(data.get('date')),
      nameEn: String(data.get('nameEn')),
      nameFr: String(data.get('nameFr')),
    });
  };
  return (
    <form ref={form} onSubmit={submit}>
      <TextField
        label={t('booking.date')}
        name="date"
        type="date"
        defaultValue={holiday?.date}
        required
        hint={holiday?.provisional ? t('scheduleSettings.holidays.confirmHint') : undefined}
        error={refusals.of('date')}
      />
      <TextField
        label={t('scheduleSettings.types.nameEn')}
        name="nameEn"
        lang="en"
        defaultValue={holiday?.nameEn}
        required
        error={refusals.of('nameEn')}
      />
      <TextField
        label={t('scheduleSettings.types.nameFr')}
        name="nameFr"
        lang="fr"
        defaultValue={holiday?.nameFr}
        required
        error={refusals.of('nameFr')}
      />
      <ErrorAlert error={refusals.rest} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('common.save')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
