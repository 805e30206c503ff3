import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { useDateFormat } from '../../../components/format';
import { usePractice } from '../../practices/practices.api';
import { useCurrentPractice } from '../../shell/AppShell';
import { useRequestSettings, useSaveRequestSettings } from './requests.api';

/**
 * Privacy → Time to answer, for owners: the months from a request's receipt to its due date. One
 * month is what the Data Protection Act asks and the default; up to three may be chosen, with the
 * note that a longer time needs a reason. It applies to requests received from then on.
 */
export function RequestSettingsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const settings = useRequestSettings(practiceId);
  if (!can('privacy:manage')) return <Alert tone="info">{t('privacyRequestSettings.ownersOnly')}</Alert>;
  return (
    <section className="stack" aria-labelledby="request-settings-title">
      <h1 id="request-settings-title">{t('privacyRequestSettings.title')}</h1>
      {settings.isPending ? (
        <Loading />
      ) : settings.isError ? (
        <ErrorAlert error={settings.error} />
      ) : (
        <DueMonthsForm
          key={settings.dataUpdatedAt}
          practiceId={practiceId}
          current={settings.data.dueMonths}
          max={settings.data.maxDueMonths}
          updatedAt={settings.data.updatedAt}
        />
      )}
    </section>
  );
}

function DueMonthsForm({
  practiceId,
  current,
  max,
  updatedAt,
}: {
  practiceId: string;
  current: number;
  max: number;
  updatedAt: string | null;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const practice = usePractice(practiceId);
  const fmt = useDateFormat(practice.data?.timeZone);
  const [months, setMonths] = useState(current);
  const save = useSaveRequestSettings(practiceId);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ dueMonths: months }, { onSuccess: () => toast(t('privacyRequestSettings.saved')) });
  };
  const problem = fieldError(save.error, 'dueMonths');
  return (
    <form onSubmit={submit} className="stack request-settings" noValidate>
      <p>{t('privacyRequestSettings.intro')}</p>
      <fieldset aria-describedby="due-months-note">
        <legend>{t('privacyRequestSettings.legend')}</legend>
        {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
          <label key={n} className="radio">
            <input type="radio" name="dueMonths" value={n} checked={months === n} onChange={() => setMonths(n)} />
            {n === 1 ? t('privacyRequestSettings.oneMonth') : t('privacyRequestSettings.months', { count: n })}
          </label>
        ))}
      </fieldset>
      <Alert tone={months > 1 ? 'warning' : 'info'} urgent={false} className="request-settings-note">
        <span id="due-months-note">{t('privacyRequestSettings.note')}</span>
      </Alert>
      <p className="muted">{t('privacyRequestSettings.fromNow')}</p>
      {updatedAt && <p className="muted">{t('privacyRequestSettings.lastChanged', { date: fmt.date(updatedAt) })}</p>}
      {problem && <p className="field-error">{problem}</p>}
      {save.error && !problem && <ErrorAlert error={save.error} />}
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={months === current}>
          {t('privacyRequestSettings.save')}
        </Button>
      </div>
    </form>
  );
}
