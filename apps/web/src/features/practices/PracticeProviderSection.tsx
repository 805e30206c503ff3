import type { PracticeIdentityProvider } from '@dentalpro/contracts';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import {
  usePracticeIdentityProvider,
  useRemovePracticeIdentityProvider,
  useSavePracticeIdentityProvider,
} from '../auth/oidc.api';

/**
 * Settings → Practice → Sign-in: the practice's own OpenID Connect provider (owners). The issuer is
 * checked (discovery) when saved; the client secret is never shown again, and left empty it stays.
 */
export function PracticeProviderSection({ practiceId }: { practiceId: string }) {
  const { t } = useTranslation();
  const settings = usePracticeIdentityProvider(practiceId, true);
  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return (
    <section aria-labelledby="practice-provider-title" className="card stack form-card">
      <h3 id="practice-provider-title">{t('practice.provider.title')}</h3>
      <p>{t('practice.provider.intro')}</p>
      <p className="field-hint">
        {t('practice.provider.redirectUrl')} <code>{settings.data.redirectUrl}</code>
      </p>
      <ProviderForm
        key={settings.data.provider?.updatedAt ?? 'none'}
        practiceId={practiceId}
        provider={settings.data.provider}
      />
    </section>
  );
}

function ProviderForm({ practiceId, provider }: { practiceId: string; provider: PracticeIdentityProvider | null }) {
  const { t } = useTranslation();
  const toast = useToast();
  const save = useSavePracticeIdentityProvider(practiceId);
  const remove = useRemovePracticeIdentityProvider(practiceId);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const secret = String(form.get('clientSecret') ?? '');
    save.mutate(
      {
        issuer: text('issuer'),
        clientId: text('clientId'),
        ...(secret ? { clientSecret: secret } : {}),
        displayName: text('displayName'),
        emailDomains: text('emailDomains')
          .split(/[\s,;]+/)
          .filter(Boolean),
      },
      { onSuccess: () => toast(t('practice.provider.saved')) },
    );
  };
  const err = save.error;
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="practice-provider-title">
      {provider && <Alert tone="info">{t('practice.provider.active', { provider: provider.displayName })}</Alert>}
      <TextField
        label={t('practice.provider.issuer')}
        name="issuer"
        type="url"
        required
        defaultValue={provider?.issuer ?? ''}
        placeholder="https://login.microsoftonline.com/<tenant>/v2.0"
        hint={t('practice.provider.issuerHint')}
        error={fieldError(err, 'issuer')}
      />
      <div className="grid-2">
        <TextField
          label={t('practice.provider.clientId')}
          name="clientId"
          required
          defaultValue={provider?.clientId ?? ''}
          autoComplete="off"
          error={fieldError(err, 'clientId')}
        />
        <TextField
          label={t('practice.provider.clientSecret')}
          name="clientSecret"
          type="password"
          required={!provider}
          autoComplete="new-password"
          hint={provider ? t('practice.provider.clientSecretKept') : undefined}
          error={fieldError(err, 'clientSecret')}
        />
      </div>
      <div className="grid-2">
        <TextField
          label={t('practice.provider.displayName')}
          name="displayName"
          required
          maxLength={60}
          defaultValue={provider?.displayName ?? ''}
          placeholder="Microsoft 365"
          error={fieldError(err, 'displayName')}
        />
        <TextField
          label={t('practice.provider.emailDomains')}
          name="emailDomains"
          required
          defaultValue={provider?.emailDomains.join(', ') ?? ''}
          placeholder="clinic.mu"
          hint={t('practice.provider.emailDomainsHint')}
          error={fieldError(err, 'emailDomains')}
        />
      </div>
      <ErrorAlert error={err ?? remove.error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('practice.provider.save')}
        </Button>
        {provider && (
          <Button
            variant="secondary"
            busy={remove.isPending}
            onClick={() => remove.mutate(undefined, { onSuccess: () => toast(t('practice.provider.removed')) })}
          >
            {t('practice.provider.remove')}
          </Button>
        )}
      </div>
    </form>
  );
}
