import { BLOCK_KINDS, type Chair, type Provider } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { BlockBody } from '../../api/contracts';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { PeriodFields, periodDraft, readPeriod } from './PeriodFields';
import { useFieldRefusals } from './refusals';
import { refreshScheduling, schedulingApi } from './scheduling.api';
import { useCalendarFormat } from './useCalendarFormat';

interface BlockDialogProps {
  open: boolean;
  practiceId: string;
  timeZone: string;
  /** The day a new block starts on. */
  day: string;
  /** The block to change; null to create one. */
  block: BlockBody | null;
  /** All of them: inactive ones are offered only when the block already names them. */
  chairs: Chair[];
  providers: Provider[];
  onClose: () => void;
  /** Owners: a new block offers "Close the practice…" instead (cancel the time's appointments and tell the patients). */
  onClosePractice?: (() => void) | undefined;
}

type Scope = 'practice' | 'chair' | 'provider' | 'both';

const scopeOf = (block: BlockBody | null): Scope =>
  !block
    ? 'provider'
    : block.providerId && block.chairId
      ? 'both'
      : block.providerId
        ? 'provider'
        : block.chairId
          ? 'chair'
          : 'practice';

/** Block time (lunch, leave, maintenance…) for a provider, a chair or the whole practice; or change or remove a block. */
export function BlockDialog(props: BlockDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal
      open={props.open}
      title={props.block ? t('calendar.block.editTitle') : t('calendar.block.title')}
      onClose={props.onClose}
    >
      <BlockForm {...props} />
    </Modal>
  );
}

function BlockForm({
  practiceId,
  timeZone,
  day,
  block,
  chairs,
  providers,
  onClose,
  onClosePractice,
}: BlockDialogProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [scope, setScope] = useState<Scope>(scopeOf(block));
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const done = (message: string) => {
    toast(message);
    void refreshScheduling(queryClient, practiceId);
    onClose();
  };
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      block ? schedulingApi.updateBlock(practiceId, block.id, body) : schedulingApi.createBlock(practiceId, body),
    onSuccess: () => done(block ? t('calendar.block.updated') : t('calendar.block.created')),
  });
  const remove = useMutation({
    mutationFn: (id: string) => schedulingApi.deleteBlock(practiceId, id),
    onSuccess: () => done(t('calendar.block.deleted')),
  });
  const refusals = useFieldRefusals(
    invalid ?? save.error,
    { invalid_period: 'end', provider_not_found: 'providerId', chair_not_found: 'chairId' },
    form,
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const get = (name: string) => String(data.get(name) ?? '');
    const period = readPeriod(data, timeZone);
    if (period instanceof ApiError) return setInvalid(period);
    setInvalid(null);
    if (!period) return;
    save.mutate({
      providerId: scope === 'provider' || scope === 'both' ? get('providerId') : null,
      chairId: scope === 'chair' || scope === 'both' ? get('chairId') : null,
      kind: get('kind'),
      note: get('note'),
      ...period,
    });
  };
  const scopes: Scope[] =
    scopeOf(block) === 'both' ? ['provider', 'chair', 'both', 'practice'] : ['provider', 'chair', 'practice'];
  const draft = block
    ? periodDraft(block.start, block.end, timeZone)
    : { startDate: day, startTime: '12:00', endDate: day, endTime: '13:00' };
  return (
    <form ref={form} onSubmit={submit}>
      {onClosePractice && !block && (
        <p className="muted">
          {t('closures.fromBlock')}{' '}
          <Button variant="ghost" onClick={onClosePractice} aria-haspopup="dialog">
            {t('closures.action')}
          </Button>
        </p>
      )}
      <fieldset className="plain">
        <legend className="field-label">{t('calendar.block.scope')}</legend>
        <div className="radio-row">
          {scopes.map((s) => (
            <label key={s} className="radio">
              <input type="radio" name="scope" checked={scope === s} onChange={() => setScope(s)} />
              {t(`calendar.block.scopes.${s}`)}
            </label>
          ))}
        </div>
      </fieldset>
      {(scope === 'provider' || scope === 'both') && (
        <SelectField
          label={t('booking.provider')}
          name="providerId"
          defaultValue={block?.providerId ?? undefined}
          error={refusals.of('providerId')}
        >
          {providers
            .filter((p) => p.active || p.userId === block?.providerId)
            .map((p) => (
              <option key={p.userId} value={p.userId}>
                {p.displayName}
              </option>
            ))}
        </SelectField>
      )}
      {(scope === 'chair' || scope === 'both') && (
        <SelectField
          label={t('booking.chair')}
          name="chairId"
          defaultValue={block?.chairId ?? undefined}
          error={refusals.of('chairId')}
        >
          {chairs
            .filter((c) => c.active || c.id === block?.chairId)
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
        </SelectField>
      )}
      <SelectField
        label={t('calendar.block.kind')}
        name="kind"
        defaultValue={block?.kind ?? 'lunch'}
        error={refusals.of('kind')}
      >
        {BLOCK_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`calendar.block.kinds.${k}`)}
          </option>
        ))}
      </SelectField>
      <PeriodFields draft={draft} error={refusals.of} />
      <TextField
        label={t('calendar.block.note')}
        name="note"
        maxLength={200}
        defaultValue={block?.note}
        error={refusals.of('note')}
      />
      <ErrorAlert error={refusals.rest ?? remove.error} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {block ? t('common.save') : t('calendar.block.submit')}
        </Button>
        {block && (
          <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(block.id)}>
            {t('calendar.block.delete')}
          </Button>
        )}
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

/** A block as those who cannot change it see it (those who can get BlockDialog). */
export function BlockDetailsDialog({
  block,
  timeZone,
  providers,
  chairs,
  onClose,
}: {
  block: BlockBody | null;
  timeZone: string;
  providers: Map<string, Provider>;
  chairs: Map<string, Chair>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const who = block
    ? [
        block.providerId ? providers.get(block.providerId)?.displayName : null,
        block.chairId ? chairs.get(block.chairId)?.name : null,
      ]
        .filter(Boolean)
        .join(' · ') || t('calendar.block.wholePractice')
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
          <div className="actions dialog-actions">
            <Button onClick={onClose} autoFocus>
              {t('common.close')}
            </Button>
          </div>
        </>
      )}
    </Modal>
  );
}
