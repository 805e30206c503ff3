import type { AvailableProvider, LinkedIdentity } from '@dentalpro/contracts';
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
import { identitiesKey, useGoToProvider, useLinkedIdentities } from '../auth/oidc.api';

/**
 * The provider accounts linked to mine, one section per provider I may use: the deployment's, and
 * the own provider of each practice I work in. Linking takes my password, then the provider's
 * sign-in (the browser goes there and comes back here); unlinking takes my password.
 */
export function ProviderSection() {
  const identities = useLinkedIdentities();
  const [params] = useSearchParams();
  if (!identities.data) return null;
  const oidcError = params.get('oidcError');
  return (
    <>
      {identities.data.providers.map((provider, index) => (
        <LinkedProvider
          key={provider.issuer + (provider.practiceId ?? '')}
          index={index}
          provider={provider}
          linked={identities.data.identities.find((i) => i.issuer === provider.issuer)}
          // A failure coming back from the provider is told once, in the first section.
          oidcError={index === 0 ? oidcError : null}
        />
      ))}
    </>
  );
}

function LinkedProvider({
  provider: available,
  linked,
  index,
  oidcError,
}: {
  provider: AvailableProvider;
  linked: LinkedIdentity | undefined;
  index: number;
  oidcError: string | null;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const toast = useToast();
  const provider = available.displayName;
  const link = useGoToProvider('/auth/oidc/link');
  const unlink = useMutation({
    mutationFn: (password: string) => api.post('/auth/oidc/unlink', { password, issuer: available.issuer }),
    onSuccess: async () => {
      toast(t('account.provider.unlinked', { provider }));
      await queryClient.invalidateQueries({ queryKey: identitiesKey });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    if (linked) unlink.mutate(password);
    else link.mutate({ password, ...(available.practiceId ? { practiceId: available.practiceId } : {}) });
  };
  const titleId = index === 0 ? 'provider-title' : `provider-title-${index}`;
  return (
    <section aria-labelledby={titleId} className="card">
      <h2 id={titleId}>{t('account.provider.title', { provider })}</h2>
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
