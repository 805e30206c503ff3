import { BLOCK_KINDS, type Chair, type Provider } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BlockBody } from '../../api/contracts';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { refreshScheduling, schedulingApi } from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';
import { instantAt, isDay, parseClock } from './zoned-time';

interface BlockDialogProps {
  open: boolean;
  practiceId: string;
  timeZone: string;
  day: string;
  chairs: Chair[];
  providers: Provider[];
  onClose: () => void;
}

type Scope = 'practice' | 'chair' | 'provider';

/** Block time (lunch, leave, maintenance…) for a provider, a chair or the whole practice. */
export function BlockDialog(props: BlockDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal open={props.open} title={t('calendar.block.title')} onClose={props.onClose}>
      <BlockForm {...props} />
    </Modal>
  );
}

function BlockForm({ practiceId, timeZone, day, chairs, providers, onClose }: BlockDialogProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<Scope>('provider');
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => schedulingApi.createBlock(practiceId, body),
    onSuccess: () => {
      toast(t('calendar.block.created'));
      void refreshScheduling(queryClient, practiceId);
      onClose();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const get = (name: string) => String(form.get(name) ?? '');
    const startDay = get('startDate');
    const endDay = get('endDate') || startDay;
    if (!isDay(startDay) || !isDay(endDay)) return;
    create.mutate({
      providerId: scope === 'provider' ? get('providerId') : null,
      chairId: scope === 'chair' ? get('chairId') : null,
      kind: get('kind'),
      note: get('note'),
      start: instantAt(startDay, parseClock(get('startTime') || '00:00'), timeZone).toISOString(),
      end: instantAt(endDay, parseClock(get('endTime') || '00:00'), timeZone).toISOString(),
    });
  };
  return (
    <form onSubmit={submit}>
      <fieldset className="plain">
        <legend className="field-label">{t('calendar.block.scope')}</legend>
        <div className="radio-row">
          {(['provider', 'chair', 'practice'] as const).map((s) => (
            <label key={s} className="radio">
              <input type="radio" name="scope" checked={scope === s} onChange={() => setScope(s)} />
              {t(`calendar.block.scopes.${s}`)}
            </label>
          ))}
        </div>
      </fieldset>
      {scope === 'provider' && (
        <SelectField label={t('booking.provider')} name="providerId">
          {providers.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.displayName}
            </option>
          ))}
        </SelectField>
      )}
      {scope === 'chair' && (
        <SelectField label={t('booking.chair')} name="chairId">
          {chairs.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectField>
      )}
      <SelectField label={t('calendar.block.kind')} name="kind" defaultValue="lunch">
        {BLOCK_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`calendar.block.kinds.${k}`)}
          </option>
        ))}
      </SelectField>
      <div className="grid-2 tight">
        <TextField label={t('calendar.block.startDate')} name="startDate" type="date" defaultValue={day} required />
        <TextField label={t('calendar.block.startTime')} name="startTime" type="time" defaultValue="12:00" required />
        <TextField label={t('calendar.block.endDate')} name="endDate" type="date" defaultValue={day} required />
        <TextField label={t('calendar.block.endTime')} name="endTime" type="time" defaultValue="13:00" required />
      </div>
      <TextField label={t('calendar.block.note')} name="note" maxLength={200} />
      <ErrorAlert error={create.error} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={create.isPending}>
          {t('calendar.block.submit')}
        </Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

export function BlockDetailsDialog({
  block,
  practiceId,
  timeZone,
  canDelete,
  providers,
  chairs,
  onClose,
}: {
  block: BlockBody | null;
  practiceId: string;
  timeZone: string;
  canDelete: boolean;
  providers: Map<string, Provider>;
  chairs: Map<string, Chair>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const toast = useToast();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => schedulingApi.deleteBlock(practiceId, id),
    onSuccess: () => {
      toast(t('calendar.block.deleted'));
      void refreshScheduling(queryClient, practiceId);
      onClose();
    },
  });
  const who = block
    ? [block.providerId ? providers.get(block.providerId)?.displayName : null, block.chairId ? chairs.get(block.chairId)?.name : null].filter(Boolean).join(' · ') ||
      t('calendar.block.wholePractice')
    : '';
  return (
    <Modal open={block !== null} title={block ? t(`calendar.block.kinds.${block.kind}`) : ''} onClose={onClose}>
      {block && (
        <>
          <dl className="summary compact">
            <div>
              <dt>{t('calendar.block.for')}</dt>
              <dd>{who}</dd>
            </div>
            <div>
              <dt>{t('calendar.when')}</dt>
              <dd>
                {fmt.dateTime(block.start)} – {fmt.dateTime(block.end)}
              </dd>
            </div>
            {block.note && (
              <div>
                <dt>{t('calendar.block.note')}</dt>
                <dd>{block.note}</dd>
              </div>
            )}
          </dl>
          <ErrorAlert error={remove.error} />
          <div className="actions dialog-actions">
            {canDelete && (
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(block.id)}>
                {t('calendar.block.delete')}
              </Button>
            )}
            <Button onClick={onClose} autoFocus>
              {t('common.close')}
            </Button>
          </div>
        </>
      )}
    </Modal>
  );
}
