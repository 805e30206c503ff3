import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { identitiesKey, useGoToProvider, useLinkedIdentities, useOidcConfig } from '../auth/oidc.api';

/**
 * The provider account linked to mine: linking takes my password, then the provider's sign-in
 * (the browser goes there and comes back here); unlinking takes my password. Only when the
 * deployment has a provider.
 */
export function ProviderSection() {
  const config = useOidcConfig();
  if (!config.data?.enabled) return null;
  return <LinkedProvider provider={config.data.displayName ?? ''} />;
}

function LinkedProvider({ provider }: { provider: string }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const identities = useLinkedIdentities();
  const queryClient = useQueryClient();
  const toast = useToast();
  const link = useGoToProvider('/auth/oidc/link');
  const unlink = useMutation({
    mutationFn: (password: string) => api.post('/auth/oidc/unlink', { password }),
    onSuccess: async () => {
      toast(t('account.provider.unlinked', { provider }));
      await queryClient.invalidateQueries({ queryKey: identitiesKey });
    },
  });
  const linked = identities.data?.identities[0];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    if (linked) unlink.mutate(password);
    else link.mutate({ password });
  };
  const oidcError = params.get('oidcError');
  return (
    <section aria-labelledby="provider-title" className="card">
      <h2 id="provider-title">{t('account.provider.title', { provider })}</h2>
      <div className="stack">
        {params.get('linked') === '1' && linked && (
          <Alert tone="success">{t('account.provider.linkedNotice', { provider })}</Alert>
        )}
        {oidcError && (
          <Alert tone="error" title={t('auth.oidc.failed')}>
            {t(`errors.${oidcError}`, { defaultValue: t('errors.oidc_token_invalid') })}
          </Alert>
        )}
        <p>
          {linked
            ? t('account.provider.linked', { provider, email: linked.email })
            : t('account.provider.notLinked', { provider })}
        </p>
        <form onSubmit={submit} className="stack">
          <TextField
            label={t('account.provider.password')}
            name="password"
            type="password"
            required
            autoComplete="current-password"
            className="narrow-field"
          />
          <ErrorAlert error={link.error ?? unlink.error} />
          <div className="actions">
            <Button type="submit" variant={linked ? 'secondary' : 'primary'} busy={link.isPending || unlink.isPending}>
              {linked ? t('account.provider.unlink', { provider }) : t('account.provider.link', { provider })}
            </Button>
          </div>
        </form>
      </div>
    </section>
  );
}
