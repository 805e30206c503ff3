import { BREACH_DATA_CATEGORIES, type Breach, type BreachDataCategory, type BreachInput } from '@dentalpro/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { TextAreaField, TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/Toast';
import { useDateFormat } from '../../../components/format';
import { useCurrentPractice } from '../../shell/AppShell';
import { countdownTo, instantOf, localOf } from './breach-countdown';
import { useBreaches, useSaveBreach } from './breaches.api';

/**
 * Privacy → Breaches, for owners: the breach register with the facts the Data Protection
 * Commissioner asks for, and for each breach the 72 hours from discovery to the Commissioner's
 * notification counting down (overdue in red once past).
 */
export function BreachesPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const allowed = can('privacy:manage');
  const breaches = useBreaches(membership.practiceId, allowed);
  const [editing, setEditing] = useState<Breach | 'new' | null>(null);
  const now = useNow(30_000);
  if (!allowed) return <Alert tone="info">{t('privacyBreaches.ownersOnly')}</Alert>;
  return (
    <section className="stack" aria-labelledby="breaches-title">
      <div className="actions">
        <h1 id="breaches-title">{t('privacyBreaches.title')}</h1>
        <Button variant="primary" onClick={() => setEditing('new')}>
          {t('privacyBreaches.record')}
        </Button>
      </div>
      <p className="muted">{t('privacyBreaches.intro')}</p>
      {breaches.isPending ? (
        <Loading />
      ) : breaches.isError ? (
        <ErrorAlert error={breaches.error} />
      ) : breaches.data.breaches.length === 0 ? (
        <p>{t('privacyBreaches.none')}</p>
      ) : (
        <ul className="breach-list">
          {breaches.data.breaches.map((breach) => (
            <BreachItem key={breach.id} breach={breach} now={now} onEdit={() => setEditing(breach)} />
          ))}
        </ul>
      )}
      {editing && (
        <BreachDialog
          practiceId={membership.practiceId}
          breach={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  );
}

/** Now, moving every `everyMs`. */
function useNow(everyMs: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function BreachItem({ breach, now, onEdit }: { breach: Breach; now: number; onEdit: () => void }) {
  const { t } = useTranslation();
  const format = useDateFormat(undefined);
  const headingId = `breach-${breach.id}`;
  return (
    <li className="card stack breach" aria-labelledby={headingId}>
      <div className="actions">
        <h2 id={headingId}>{t('privacyBreaches.discovered', { when: format.dateTime(breach.discoveredAt) })}</h2>
        <Button onClick={onEdit}>
          {t('privacyBreaches.edit')}
          <span className="visually-hidden"> — {format.dateTime(breach.discoveredAt)}</span>
        </Button>
      </div>
      <Deadline breach={breach} now={now} />
      <p>{breach.description}</p>
      <dl className="breach-facts">
        <dt>{t('privacyBreaches.fields.dataCategories')}</dt>
        <dd>{breach.dataCategories.map((c) => t(`privacyBreaches.categories.${c}`)).join(', ')}</dd>
        <dt>{t('privacyBreaches.fields.peopleAffected')}</dt>
        <dd>{breach.peopleAffected}</dd>
        <dt>{t('privacyBreaches.fields.likelyConsequences')}</dt>
        <dd>{breach.likelyConsequences}</dd>
        <dt>{t('privacyBreaches.fields.measuresTaken')}</dt>
        <dd>{breach.measuresTaken}</dd>
        <dt>{t('privacyBreaches.fields.peopleNotifiedAt')}</dt>
        <dd>
          {breach.peopleNotifiedAt
            ? format.dateTime(breach.peopleNotifiedAt)
            : (breach.peopleNotNotifiedReason ?? t('privacyBreaches.notYet'))}
        </dd>
        {breach.delayReason && (
          <>
            <dt>{t('privacyBreaches.fields.delayReason')}</dt>
            <dd>{breach.delayReason}</dd>
          </>
        )}
        {breach.recordedBy && (
          <>
            <dt>{t('privacyBreaches.recordedBy')}</dt>
            <dd>{breach.recordedBy.name}</dd>
          </>
        )}
      </dl>
    </li>
  );
}

function Deadline({ breach, now }: { breach: Breach; now: number }) {
  const { t } = useTranslation();
  const format = useDateFormat(undefined);
  if (breach.commissionerNotifiedAt)
    return (
      <p className={breach.status === 'notified_late' ? 'breach-deadline is-late' : 'breach-deadline is-done'}>
        {t(`privacyBreaches.status.${breach.status}`, { when: format.dateTime(breach.commissionerNotifiedAt) })}
      </p>
    );
  const left = countdownTo(breach.commissionerDueAt, now);
  return (
    <p className={left.overdue ? 'breach-deadline is-overdue' : 'breach-deadline'}>
      <strong>
        {left.overdue
          ? t('privacyBreaches.overdueBy', { hours: left.hours, minutes: left.minutes })
          : t('privacyBreaches.timeLeft', { hours: left.hours, minutes: left.minutes })}
      </strong>{' '}
      {t('privacyBreaches.dueAt', { when: format.dateTime(breach.commissionerDueAt) })}
    </p>
  );
}

interface Draft {
  discoveredAt: string;
  occurredAt: string;
  description: string;
  dataCategories: BreachDataCategory[];
  peopleAffected: string;
  likelyConsequences: string;
  measuresTaken: string;
  commissionerNotifiedAt: string;
  delayReason: string;
  peopleNotifiedAt: string;
  peopleNotNotifiedReason: string;
}

const draftOf = (b: Breach | null): Draft => ({
  discoveredAt: localOf(b?.discoveredAt ?? new Date().toISOString()),
  occurredAt: localOf(b?.occurredAt ?? null),
  description: b?.description ?? '',
  dataCategories: b?.dataCategories ?? [],
  peopleAffected: b ? String(b.peopleAffected) : '',
  likelyConsequences: b?.likelyConsequences ?? '',
  measuresTaken: b?.measuresTaken ?? '',
  commissionerNotifiedAt: localOf(b?.commissionerNotifiedAt ?? null),
  delayReason: b?.delayReason ?? '',
  peopleNotifiedAt: localOf(b?.peopleNotifiedAt ?? null),
  peopleNotNotifiedReason: b?.peopleNotNotifiedReason ?? '',
});

function BreachDialog({
  practiceId,
  breach,
  onClose,
}: {
  practiceId: string;
  breach: Breach | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const save = useSaveBreach(practiceId);
  const [draft, setDraft] = useState<Draft>(() => draftOf(breach));
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const err = (path: string) => fieldError(save.error, path);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input: BreachInput = {
      discoveredAt: instantOf(draft.discoveredAt) ?? draft.discoveredAt,
      occurredAt: instantOf(draft.occurredAt),
      description: draft.description,
      dataCategories: draft.dataCategories,
      peopleAffected: Number(draft.peopleAffected),
      likelyConsequences: draft.likelyConsequences,
      measuresTaken: draft.measuresTaken,
      commissionerNotifiedAt: instantOf(draft.commissionerNotifiedAt),
      delayReason: draft.delayReason.trim() || null,
      peopleNotifiedAt: instantOf(draft.peopleNotifiedAt),
      peopleNotNotifiedReason: draft.peopleNotNotifiedReason.trim() || null,
    };
    try {
      await save.mutateAsync({ id: breach?.id ?? null, breach: input });
      toast(t(breach ? 'privacyBreaches.saved' : 'privacyBreaches.recorded'));
      onClose();
    } catch (error) {
      // The first field at fault takes the keyboard.
      const first = (error as { errors?: { path: string }[] }).errors?.[0]?.path;
      if (first) document.getElementById(`breach-${first.split('.')[0]}`)?.focus();
    }
  };

  const field = (key: keyof Draft, type: 'datetime-local' | 'number', required = false) => (
    <TextField
      id={`breach-${key}`}
      type={type}
      label={t(`privacyBreaches.fields.${key}`)}
      value={draft[key] as string}
      required={required}
      min={type === 'number' ? 0 : undefined}
      onChange={(e) => set(key)(e.currentTarget.value)}
      error={err(key)}
    />
  );
  const text = (key: keyof Draft, required = false, hint?: string) => (
    <TextAreaField
      id={`breach-${key}`}
      label={t(`privacyBreaches.fields.${key}`)}
      hint={hint}
      value={draft[key] as string}
      required={required}
      rows={3}
      onChange={(e) => set(key)(e.currentTarget.value)}
      error={err(key)}
    />
  );
  const categoriesError = err('dataCategories');

  return (
    <Modal open title={t(breach ? 'privacyBreaches.editTitle' : 'privacyBreaches.recordTitle')} onClose={onClose} wide>
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {save.isError && <ErrorAlert error={save.error} />}
        {field('discoveredAt', 'datetime-local', true)}
        {field('occurredAt', 'datetime-local')}
        {text('description', true)}
        <fieldset
          id="breach-dataCategories"
          tabIndex={-1}
          className={`plain checkbox-group${categoriesError ? ' field-invalid' : ''}`}
          aria-describedby={categoriesError ? 'breach-categories-error' : undefined}
        >
          <legend>{t('privacyBreaches.fields.dataCategories')}</legend>
          {BREACH_DATA_CATEGORIES.map((category) => (
            <label key={category} className="checkbox">
              <input
                type="checkbox"
                checked={draft.dataCategories.includes(category)}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setDraft((d) => ({
                    ...d,
                    dataCategories: on
                      ? [...d.dataCategories, category]
                      : d.dataCategories.filter((c) => c !== category),
                  }));
                }}
              />
              {t(`privacyBreaches.categories.${category}`)}
            </label>
          ))}
          {categoriesError && (
            <p id="breach-categories-error" className="field-error">
              {categoriesError}
            </p>
          )}
        </fieldset>
        {field('peopleAffected', 'number', true)}
        {text('likelyConsequences', true)}
        {text('measuresTaken', true)}
        {field('commissionerNotifiedAt', 'datetime-local')}
        {text('delayReason', false, t('privacyBreaches.delayHint'))}
        {field('peopleNotifiedAt', 'datetime-local')}
        {text('peopleNotNotifiedReason')}
        <div className="actions">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {t('common.save')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Modal>
  );
}
