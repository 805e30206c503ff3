import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../../api/client';
import type { ClosureBody } from '../../../api/contracts';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/Toast';
import { ClosureAnnouncementsSection } from '../../closures/ClosureAnnouncementsSection';
import { usePractice } from '../../practices/practices.api';
import { PeriodFields, periodDraft, readPeriod } from '../PeriodFields';
import { useFieldRefusals } from '../refusals';
import { refreshScheduling, useClosures } from '../scheduling.api';
import { useCalendarFormat } from '../useCalendarFormat';
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
  const [editing, setEditing] = useState<ClosureBody | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/practices/${practiceId}/closures/${id}`),
    onSuccess: () => toast(t('scheduleSettings.closures.deleted')),
    onSettled: () => void refreshScheduling(queryClient, practiceId),
  });
  if (closures.isPending || practice.isPending) return <Loading />;
  if (closures.isError) return <ErrorAlert error={closures.error} />;
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
                        <Button
                          onClick={() => setEditing(c)}
                          aria-label={t('scheduleSettings.closures.editNamed', { from: fmt.dateTime(c.start) })}
                        >
                          {t('scheduleSettings.edit')}
                        </Button>{' '}
                        <Button
                          variant="danger"
                          busy={remove.isPending && remove.variables === c.id}
                          onClick={() => remove.mutate(c.id)}
                          aria-label={t('scheduleSettings.closures.deleteNamed', { from: fmt.dateTime(c.start) })}
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
        <ErrorAlert error={remove.error} />
      </section>
      {manage && (
        <section aria-labelledby="closure-add-title" className="card">
          <h2 id="closure-add-title">{t('scheduleSettings.closures.add')}</h2>
          <ClosureForm practiceId={practiceId} timeZone={timeZone} closure={null} />
        </section>
      )}
      <ClosureAnnouncementsSection practiceId={practiceId} timeZone={timeZone} manage={manage} />
      <Modal open={editing !== null} title={t('scheduleSettings.closures.edit')} onClose={() => setEditing(null)}>
        {editing && (
          <ClosureForm practiceId={practiceId} timeZone={timeZone} closure={editing} onDone={() => setEditing(null)} />
        )}
      </Modal>
    </div>
  );
}

/** Adds a closure (closure null; the form empties for the next) or changes one (its period and reason). */
function ClosureForm({
  practiceId,
  timeZone,
  closure,
  onDone,
}: {
  practiceId: string;
  timeZone: string;
  closure: ClosureBody | null;
  onDone?: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const save = useMutation({
    mutationFn: (body: { start: string; end: string; reason: string }) =>
      closure
        ? api.patch(`/practices/${practiceId}/closures/${closure.id}`, body)
        : api.post(`/practices/${practiceId}/closures`, body),
    onSuccess: () => toast(closure ? t('scheduleSettings.closures.updated') : t('scheduleSettings.closures.added')),
    onSettled: () => void refreshScheduling(queryClient, practiceId),
  });
  const refusals = useFieldRefusals(invalid ?? save.error, { invalid_period: 'end' }, form);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const period = readPeriod(data, timeZone);
    if (period instanceof ApiError) return setInvalid(period);
    setInvalid(null);
    if (!period) return;
    save.mutate(
      { ...period, reason: String(data.get('reason') ?? '') },
      {
        onSuccess: () => {
          if (!closure) element.reset();
          onDone?.();
        },
      },
    );
  };
  const draft = closure ? periodDraft(closure.start, closure.end, timeZone) : { startTime: '00:00', endTime: '23:59' };
  return (
    <form ref={form} onSubmit={submit}>
      <PeriodFields draft={draft} error={refusals.of} />
      <TextField
        label={t('scheduleSettings.closures.reason')}
        name="reason"
        maxLength={200}
        defaultValue={closure?.reason}
        error={refusals.of('reason')}
      />
      <ErrorAlert error={refusals.rest} />
      <div className={closure ? 'actions dialog-actions' : 'actions'}>
        <Button type="submit" variant="primary" busy={save.isPending}>
          {closure ? t('common.save') : t('scheduleSettings.closures.add')}
        </Button>
        {closure && <Button onClick={onDone}>{t('common.cancel')}</Button>}
      </div>
    </form>
  );
}
