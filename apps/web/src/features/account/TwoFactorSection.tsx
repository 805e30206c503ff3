import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { MfaRecoveryCodesBody, MfaSetupBody } from '../../api/contracts';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { meKey, useMe } from '../auth/auth.api';

/**
 * Two-factor: set up (secret → code → recovery codes shown once), or turn off with the password.
 * Also the whole of the enrolment page a practice's policy sends a password user to (`onEnabled`).
 */
export function TwoFactorSection({ onEnabled }: { onEnabled?: () => void } = {}) {
  const { t } = useTranslation();
  const me = useMe().data;
  const queryClient = useQueryClient();
  const toast = useToast();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  const setup = useMutation({ mutationFn: () => api.post<MfaSetupBody>('/auth/mfa/setup') });
  const enable = useMutation({
    mutationFn: (code: string) => api.post<MfaRecoveryCodesBody>('/auth/mfa/enable', { code }),
    onSuccess: (result) => {
      setRecoveryCodes(result.recoveryCodes);
      setup.reset();
    },
  });
  const disable = useMutation({
    mutationFn: (password: string) => api.post('/auth/mfa/disable', { password }),
    onSuccess: async () => {
      toast(t('account.mfa.disabled'));
      await queryClient.invalidateQueries({ queryKey: meKey });
    },
  });

  const submitCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    enable.mutate(String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, ''));
  };
  const regenerate = useMutation({
    mutationFn: (password: string) => api.post<MfaRecoveryCodesBody>('/auth/mfa/recovery-codes', { password }),
    onSuccess: (result) => setRecoveryCodes(result.recoveryCodes),
  });
  // One password field, two actions: the button pressed decides which.
  const submitWithPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === 'regenerate') regenerate.mutate(password);
    else disable.mutate(password);
  };
  const finish = async () => {
    setRecoveryCodes(null);
    regenerate.reset();
    toast(t('account.mfa.enabled'));
    await queryClient.invalidateQueries({ queryKey: meKey });
    onEnabled?.();
  };

  let body: ReactNode;
  if (recoveryCodes) {
    body = (
      <div className="stack">
        <Alert tone="warning" title={t('account.mfa.recoveryTitle')}>
          {t('account.mfa.recoveryText')}
        </Alert>
        <ol className="recovery-codes" aria-label={t('account.mfa.recoveryTitle')}>
          {recoveryCodes.map((code) => (
            <li key={code} className="mono">
              {code}
            </li>
          ))}
        </ol>
        <CopyField label={t('account.mfa.recoveryCopy')} value={recoveryCodes.join(' ')} />
        <div className="actions">
          <Button variant="primary" onClick={() => void finish()}>
            {t('account.mfa.saved')}
          </Button>
        </div>
      </div>
    );
  } else if (me?.user.mfaEnabled) {
    body = (
      <form onSubmit={submitWithPassword} className="stack">
        <Alert tone="success" urgent={false}>
          {t('account.mfa.on')}
        </Alert>
        <p>{t('account.mfa.disableIntro')}</p>
        <TextField
          label={t('account.mfa.password')}
          name="password"
          type="password"
          required
          autoComplete="current-password"
          className="narrow-field"
        />
        <ErrorAlert error={disable.error ?? regenerate.error} />
        <div className="actions">
          <Button type="submit" value="regenerate" variant="secondary" busy={regenerate.isPending}>
            {t('account.mfa.regenerate')}
          </Button>
          <Button type="submit" value="disable" variant="danger" busy={disable.isPending}>
            {t('account.mfa.disable')}
          </Button>
        </div>
      </form>
    );
  } else if (setup.data) {
    body = (
      <form onSubmit={submitCode} className="stack">
        <ol className="steps">
          <li>{t('account.mfa.step1')}</li>
          <li>{t('account.mfa.step2')}</li>
        </ol>
        <div className="secret">
          <span className="secret-label">{t('account.mfa.secret')}</span>
          <span className="mono secret-value">{groupInFours(setup.data.secret)}</span>
        </div>
        <CopyField label={t('account.mfa.otpauth')} value={setup.data.otpauthUrl} hint={t('account.mfa.otpauthHint')} />
        <TextField
          label={t('account.mfa.code')}
          name="code"
          required
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\s*\d{3}\s*\d{3}\s*"
          maxLength={7}
          className="narrow-field"
          autoFocus
        />
        <ErrorAlert error={enable.error} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={enable.isPending}>
            {t('account.mfa.enable')}
          </Button>
          <Button variant="ghost" onClick={() => setup.reset()}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    );
  } else {
    body = (
      <div className="stack">
        <p>{t('account.mfa.off')}</p>
        <ErrorAlert error={setup.error} />
        <div className="actions">
          <Button variant="primary" busy={setup.isPending} onClick={() => setup.mutate()}>
            {t('account.mfa.start')}
          </Button>
        </div>
      </div>
    );
  }
  return (
    <section aria-labelledby="mfa-title" className="card">
      <h2 id="mfa-title">{t('account.mfa.title')}</h2>
      {body}
    </section>
  );
}

function groupInFours(secret: string) {
  return (
    secret
      .replace(/\s/g, '')
      .match(/.{1,4}/g)
      ?.join(' ') ?? secret
  );
}
