import type { LoginResult, Me } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextField } from '../../components/Field';
import { PublicLayout } from '../../components/PublicLayout';
import { useSetupStatus } from '../setup/setup.api';
import { homeFor, isMe, meKey, useMe } from './auth.api';
import { ProviderButton } from './ProviderButton';

const NOTICES = ['password_reset', 'logged_out', 'session_expired'] as const;

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const next = params.get('next');
  const notice = params.get('notice');
  // Back from the identity provider: refused (the code says why), or signed in and owing a code.
  const oidcError = params.get('oidcError');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const setup = useSetupStatus();
  const me = useMe();
  const [step, setStep] = useState<'password' | 'code'>(params.get('step') === 'mfa' ? 'code' : 'password');
  const [useRecovery, setUseRecovery] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  const finish = (result: Me) => {
    queryClient.setQueryData(meKey, result);
    navigate(homeFor(result, next), { replace: true });
  };

  const login = useMutation({
    mutationFn: (input: { email: string; password: string }) => api.post<LoginResult>('/auth/login', input),
    onSuccess: (result) => {
      if (isMe(result)) finish(result);
      else if ('mfaEnrolmentRequired' in result) navigate('/enrol-two-step', { replace: true });
      else setStep('code');
    },
  });
  const verify = useMutation({
    mutationFn: (input: { code?: string; recoveryCode?: string }) => api.post<Me>('/auth/login/mfa', input),
    onSuccess: finish,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: switching to the recovery code swaps the input codeRef points at; focus the new one.
  useEffect(() => {
    if (step === 'code') codeRef.current?.focus();
  }, [step, useRecovery]);

  if (setup.data?.needsSetup) return <Navigate to="/setup" replace />;
  // Already logged in (a fresh tab, say): straight to work; back from linking a provider account
  // (or failing to), to the account page.
  if (me.data && step === 'password' && !login.isPending) {
    const first = me.data.memberships[0];
    if (first && (params.get('oidc') === 'linked' || oidcError)) {
      const query = oidcError ? `?oidcError=${encodeURIComponent(oidcError)}` : '?linked=1';
      return <Navigate to={`/app/${first.practiceId}/account${query}`} replace />;
    }
    return <Navigate to={homeFor(me.data, next)} replace />;
  }

  const submitPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    login.mutate({ email: String(form.get('email') ?? '').trim(), password: String(form.get('password') ?? '') });
  };
  const submitCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    verify.mutate(useRecovery ? { recoveryCode: value } : { code: value.replace(/\s/g, '') });
  };

  return (
    <PublicLayout narrow>
      <div className="auth-card card">
        <h1>{step === 'password' ? t('auth.login.title') : t('auth.mfa.title')}</h1>
        {notice && (NOTICES as readonly string[]).includes(notice) && step === 'password' && (
          <Alert tone={notice === 'session_expired' ? 'info' : 'success'}>{t(`auth.login.notices.${notice}`)}</Alert>
        )}
        {oidcError && step === 'password' && (
          <Alert tone="error" title={t('auth.oidc.failed')}>
            {t(`errors.${oidcError}`, { defaultValue: t('errors.oidc_token_invalid') })}
          </Alert>
        )}
        {step === 'password' && <ProviderButton />}
        {step === 'password' ? (
          <form onSubmit={submitPassword} className="stack">
            <TextField label={t('common.email')} name="email" type="email" required autoComplete="username" autoFocus />
            <TextField
              label={t('common.password')}
              name="password"
              type="password"
              required
              autoComplete="current-password"
            />
            <ErrorAlert error={login.error} />
            <Button type="submit" variant="primary" busy={login.isPending} className="button-block">
              {t('auth.login.submit')}
            </Button>
            <p className="center">
              <Link to="/forgot-password">{t('auth.login.forgot')}</Link>
            </p>
          </form>
        ) : (
          <form onSubmit={submitCode} className="stack">
            <p>{useRecovery ? t('auth.mfa.recoveryIntro') : t('auth.mfa.intro')}</p>
            {useRecovery ? (
              <TextField
                key="recovery"
                ref={codeRef}
                label={t('auth.mfa.recoveryCode')}
                name="code"
                required
                autoComplete="one-time-code"
                autoCapitalize="none"
                spellCheck={false}
                className="mono"
              />
            ) : (
              <TextField
                key="totp"
                ref={codeRef}
                label={t('auth.mfa.code')}
                name="code"
                required
                inputMode="numeric"
                pattern="\s*\d{3}\s*\d{3}\s*"
                maxLength={7}
                autoComplete="one-time-code"
                hint={t('auth.mfa.codeHint')}
              />
            )}
            <ErrorAlert error={verify.error} />
            <Button type="submit" variant="primary" busy={verify.isPending} className="button-block">
              {t('auth.mfa.submit')}
            </Button>
            <Button variant="ghost" onClick={() => setUseRecovery((v) => !v)}>
              {useRecovery ? t('auth.mfa.useCode') : t('auth.mfa.useRecovery')}
            </Button>
            <Button
              variant="ghost"
              onClick={() => {
                setStep('password');
                verify.reset();
                login.reset();
              }}
            >
              {t('auth.mfa.startOver')}
            </Button>
          </form>
        )}
      </div>
    </PublicLayout>
  );
}
