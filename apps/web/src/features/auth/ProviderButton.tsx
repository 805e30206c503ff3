import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useGoToProvider, useOidcConfig } from './oidc.api';

/**
 * "Sign in with <provider>" (or accept an invitation with it): only when the deployment has a
 * provider. The browser leaves for the provider's page and comes back signed in.
 */
export function ProviderButton({ invitationToken }: { invitationToken?: string }) {
  const { t } = useTranslation();
  const config = useOidcConfig();
  const go = useGoToProvider('/auth/oidc/start');
  if (!config.data?.enabled) return null;
  const name = config.data.displayName ?? '';
  return (
    <div className="stack">
      <Button
        variant="secondary"
        className="button-block"
        busy={go.isPending || go.isSuccess}
        onClick={() => go.mutate(invitationToken ? { invitationToken } : {})}
      >
        {invitationToken
          ? t('auth.oidc.acceptWith', { provider: name })
          : t('auth.oidc.signInWith', { provider: name })}
      </Button>
      <ErrorAlert error={go.error} />
      <p className="center field-hint">{t('auth.oidc.or')}</p>
    </div>
  );
}
