import type { PracticeExport } from '@dentalpro/contracts';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { useDateFormat } from '../../components/format';
import { Loading } from '../../components/Loading';
import { useMe } from '../auth/auth.api';
import { practiceExportDownloadUrl, usePracticeExports, useRequestPracticeExport } from './practice-export.api';
import { usePractice } from './practices.api';

/**
 * Settings → Practice → Take all the practice's data (owners): the whole-practice export, for
 * example when leaving DentalPro. The owner confirms who they are again (password, and the
 * two-step code when it is on); a ZIP is built in the background and can be downloaded for 7 days.
 */
export function PracticeExportSection({ practiceId }: { practiceId: string }) {
  const { t } = useTranslation();
  const exports = usePracticeExports(practiceId);
  const request = useRequestPracticeExport(practiceId);
  const me = useMe();
  const twoStep = me.data?.user.mfaEnabled === true;
  const building = exports.data?.items.some((e) => e.state === 'building') ?? false;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const code = String(data.get('code') ?? '').trim();
    request.mutate(
      { password: String(data.get('password') ?? ''), ...(code ? { code } : {}) },
      { onSuccess: () => form.reset() },
    );
  };
  const err = request.error;
  return (
    <section aria-labelledby="practice-export-title" className="card stack form-card">
      <h3 id="practice-export-title">{t('practice.export.title')}</h3>
      <p>{t('practice.export.intro')}</p>
      <form onSubmit={submit} className="stack" aria-labelledby="practice-export-title">
        <div className="grid-2">
          <TextField
            label={t('practice.export.password')}
            name="password"
            type="password"
            required
            autoComplete="current-password"
            error={fieldError(err, 'password')}
          />
          {twoStep && (
            <TextField
              label={t('practice.export.code')}
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              hint={t('practice.export.codeHint')}
              error={fieldError(err, 'code')}
            />
          )}
        </div>
        <ErrorAlert error={err} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={request.isPending} disabled={building}>
            {t('practice.export.request')}
          </Button>
        </div>
      </form>
      {exports.isPending ? (
        <Loading />
      ) : exports.isError ? (
        <ErrorAlert error={exports.error} />
      ) : exports.data.items.length === 0 ? (
        <p className="field-hint">{t('practice.export.none')}</p>
      ) : (
        <ul className="stack plain-list" aria-label={t('practice.export.listLabel')}>
          {exports.data.items.map((e) => (
            <ExportLine key={e.id} practiceId={practiceId} item={e} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ExportLine({ practiceId, item }: { practiceId: string; item: PracticeExport }) {
  const { t } = useTranslation();
  const { dateTime } = useDateFormat(usePractice(practiceId).data?.timeZone);
  const when = dateTime(item.requestedAt);
  return (
    <li>
      {item.state === 'ready' ? (
        <p>
          {t('practice.export.ready', {
            when,
            count: item.patients ?? 0,
            size: megabytes(item.sizeBytes ?? 0),
            until: dateTime(item.expiresAt),
          })}{' '}
          <a className="button button-secondary" href={practiceExportDownloadUrl(practiceId, item.id)} download>
            {t('practice.export.download')}
          </a>
        </p>
      ) : item.state === 'building' ? (
        <Alert tone="info">{t('practice.export.building', { when })}</Alert>
      ) : item.state === 'failed' ? (
        <Alert tone="error">{t('practice.export.failed', { when })}</Alert>
      ) : (
        <p className="field-hint">{t('practice.export.expired', { when })}</p>
      )}
    </li>
  );
}

/** "12.4" for a size in bytes, in megabytes with one decimal (at least 0.1). */
function megabytes(bytes: number): string {
  return Math.max(0.1, Math.round(bytes / 104_857.6) / 10).toFixed(1);
}
