import type { Language } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { setLanguage } from '../../i18n';
import { AgendaSection } from '../agenda/AgendaSection';
import { logOut, meKey } from '../auth/auth.api';
import { NotificationEmailSection } from '../notifications/NotificationEmailSection';
import { useCurrentPractice } from '../shell/AppShell';
import { ProviderSection } from './ProviderSection';
import { TwoFactorSection } from './TwoFactorSection';

export function AccountPage() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('account.title')}</h1>
      <div className="stack-lg">
        <ProfileSection />
        <PasswordSection />
        <TwoFactorSection />
        <AgendaSection />
        <NotificationEmailSection />
        <ProviderSection />
        <SessionsSection />
      </div>
    </>
  );
}

function ProfileSection() {
  const { t } = useTranslation();
  const { me } = useCurrentPractice();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: (patch: { name: string; phone: string; language: Language }) => api.patch('/auth/me', patch),
    onSuccess: async (_, patch) => {
      setLanguage(patch.language);
      toast(t('account.profileSaved'));
      await queryClient.invalidateQueries({ queryKey: meKey });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save.mutate({
      name: String(form.get('name') ?? '').trim(),
      phone: String(form.get('phone') ?? '').trim(),
      language: form.get('language') === 'fr' ? 'fr' : 'en',
    });
  };
  return (
    <section aria-labelledby="profile-title" className="card">
      <h2 id="profile-title">{t('account.profileTitle')}</h2>
      <form onSubmit={submit} className="stack">
        <TextField label={t('common.email')} value={me.user.email} readOnly hint={t('account.emailHint')} />
        <div className="grid-2">
          <TextField
            label={t('common.name')}
            name="name"
            defaultValue={me.user.name}
            required
            maxLength={120}
            autoComplete="name"
            error={fieldError(save.error, 'name')}
          />
          <TextField
            label={t('common.phone')}
            name="phone"
            type="tel"
            defaultValue={me.user.phone}
            maxLength={40}
            autoComplete="tel"
            error={fieldError(save.error, 'phone')}
          />
        </div>
        <SelectField
          label={t('account.language')}
          name="language"
          defaultValue={me.user.language}
          className="narrow-field"
        >
          <option value="en">English</option>
          <option value="fr">Français</option>
        </SelectField>
        <ErrorAlert error={save.error} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('account.saveProfile')}
          </Button>
        </div>
      </form>
    </section>
  );
}

function PasswordSection() {
  const { t } = useTranslation();
  const toast = useToast();
  const [formKey, setFormKey] = useState(0);
  const change = useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => api.post('/auth/password', input),
    onSuccess: () => {
      setFormKey((k) => k + 1);
      toast(t('account.passwordChanged'));
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change.mutate({
      currentPassword: String(form.get('currentPassword') ?? ''),
      newPassword: String(form.get('newPassword') ?? ''),
    });
  };
  return (
    <section aria-labelledby="password-title" className="card">
      <h2 id="password-title">{t('account.passwordTitle')}</h2>
      <form key={formKey} onSubmit={submit} className="stack">
        <div className="grid-2">
          <TextField
            label={t('account.currentPassword')}
            name="currentPassword"
            type="password"
            required
            autoComplete="current-password"
            error={fieldError(change.error, 'currentPassword')}
          />
          <TextField
            label={t('account.newPassword')}
            name="newPassword"
            type="password"
            required
            minLength={10}
            maxLength={200}
            autoComplete="new-password"
            hint={t('common.passwordHint')}
            error={fieldError(change.error, 'newPassword')}
          />
        </div>
        <ErrorAlert error={change.error} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={change.isPending}>
            {t('account.changePassword')}
          </Button>
        </div>
      </form>
    </section>
  );
}

function SessionsSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const everywhere = useMutation({
    mutationFn: () => logOut(queryClient, true),
    onSuccess: () => navigate('/login?notice=logged_out', { replace: true }),
  });
  return (
    <section aria-labelledby="sessions-title" className="card">
      <h2 id="sessions-title">{t('account.sessionsTitle')}</h2>
      <p>{t('account.sessionsText')}</p>
      <ErrorAlert error={everywhere.error} />
      <div className="actions">
        <Button variant="danger" onClick={() => setConfirming(true)}>
          {t('account.logoutEverywhere')}
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('account.logoutEverywhereTitle')}
        confirmLabel={t('account.logoutEverywhere')}
        busy={everywhere.isPending}
        onConfirm={() => everywhere.mutate()}
        onCancel={() => setConfirming(false)}
      >
        <p>{t('account.logoutEverywhereText')}</p>
      </ConfirmDialog>
      {everywhere.isSuccess && <Alert tone="success">{t('auth.login.notices.logged_out')}</Alert>}
    </section>
  );
}
