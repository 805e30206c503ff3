import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { TextField } from '../../../components/Field';
import { PublicLayout } from '../../../components/PublicLayout';

/**
 * /copy/:token: the patient's page for the copy of their data. A one-time code is sent to their
 * WhatsApp; the right code binds the link to this browser (an HttpOnly cookie) and the ZIP can be
 * downloaded here. The server says plainly when the link has expired or belongs to another browser.
 */
export function CopyLinkPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const base = `/privacy/copy/${encodeURIComponent(token)}`;
  const [code, setCode] = useState('');
  const send = useMutation({ mutationFn: () => api.post<{ sent: true }>(`${base}/code`, {}) });
  const confirm = useMutation({
    mutationFn: () => api.post<{ confirmed: true }>(`${base}/confirm`, { code: code.trim() }),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    confirm.mutate();
  };
  return (
    <PublicLayout narrow>
      <section className="stack" aria-labelledby="copy-title">
        <h1 id="copy-title">{t('copyLink.title')}</h1>
        {confirm.isSuccess ? (
          <>
            <Alert tone="success">{t('copyLink.ready')}</Alert>
            <p>
              <a className="button button-primary" href={`/api/v1${base}/download`} download>
                {t('copyLink.download')}
              </a>
            </p>
          </>
        ) : (
          <>
            <p>{t('copyLink.intro')}</p>
            {!send.isSuccess ? (
              <div className="actions">
                <Button variant="primary" busy={send.isPending} onClick={() => send.mutate()}>
                  {t('copyLink.sendCode')}
                </Button>
              </div>
            ) : (
              <form onSubmit={submit} className="stack" noValidate>
                <TextField
                  label={t('copyLink.code')}
                  hint={t('copyLink.codeHint')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  value={code}
                  onChange={(event) => setCode(event.currentTarget.value)}
                />
                <div className="actions">
                  <Button type="submit" variant="primary" busy={confirm.isPending}>
                    {t('copyLink.confirm')}
                  </Button>
                </div>
              </form>
            )}
            {send.error && <ErrorAlert error={send.error} />}
            {confirm.error && <ErrorAlert error={confirm.error} />}
          </>
        )}
      </section>
    </PublicLayout>
  );
}
