import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextField } from '../../components/Field';
import { useGoToProvider, useOidcConfig } from './oidc.api';

/**
 * "Sign in with <provider>" (or accept an invitation with it) when the deployment has a provider,
 * and "Sign in with your practice's account" when some practice has its own: the work address's
 * domain finds the practice's provider. The browser leaves for the provider's page and comes back
 * signed in.
 */
export function ProviderButton({ invitationToken, email }: { invitationToken?: string; email?: string }) {
  const { t } = useTranslation();
  const config = useOidcConfig();
  const go = useGoToProvider('/auth/oidc/start');
  const [askEmail, setAskEmail] = useState(false);
  if (!config.data?.enabled && !config.data?.practiceProviders) return null;
  const name = config.data.displayName ?? '';
  const withToken = invitationToken ? { invitationToken } : {};
  const submitEmail = (event: FormEvent<HTMLFormElement>) => {
    // The login page's password form is outside this one: its submit is not ours.
    event.preventDefault();
    event.stopPropagation();
    go.mutate({ ...withToken, email: String(new FormData(event.currentTarget).get('workEmail') ?? '').trim() });
  };
  return (
    <div className="stack">
      {config.data.enabled && (
        <Button
          variant="secondary"
          className="button-block"
          busy={go.isPending || go.isSuccess}
          onClick={() => go.mutate(withToken)}
        >
          {invitationToken
            ? t('auth.oidc.acceptWith', { provider: name })
            : t('auth.oidc.signInWith', { provider: name })}
        </Button>
      )}
      {config.data.practiceProviders &&
        (email ? (
          <Button
            variant="secondary"
            className="button-block"
            busy={go.isPending || go.isSuccess}
            onClick={() => go.mutate({ ...withToken, email })}
          >
            {invitationToken ? t('auth.oidc.acceptWithPracticeAccount') : t('auth.oidc.practiceAccount')}
          </Button>
        ) : askEmail ? (
          <form onSubmit={submitEmail} className="stack" aria-label={t('auth.oidc.practiceAccount')}>
            <TextField
              label={t('auth.oidc.workEmail')}
              name="workEmail"
              type="email"
              required
              autoComplete="username"
              hint={t('auth.oidc.workEmailHint')}
              autoFocus
            />
            <Button type="submit" variant="secondary" className="button-block" busy={go.isPending || go.isSuccess}>
              {t('auth.oidc.continue')}
            </Button>
          </form>
        ) : (
          <Button variant="secondary" className="button-block" onClick={() => setAskEmail(true)}>
            {t('auth.oidc.practiceAccount')}
          </Button>
        ))}
      <ErrorAlert error={go.error} />
      <p className="center field-hint">{t('auth.oidc.or')}</p>
    </div>
  );
}
