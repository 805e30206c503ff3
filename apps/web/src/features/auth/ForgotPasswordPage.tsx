import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { PublicLayout } from '../../components/PublicLayout';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const request = useMutation({ mutationFn: (email: string) => api.post('/auth/password-reset/request', { email }) });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    request.mutate(String(new FormData(event.currentTarget).get('email') ?? '').trim());
  };
  return (
    <PublicLayout narrow>
      <div className="auth-card card">
        <h1>{t('auth.forgot.title')}</h1>
        {request.isSuccess ? (
          <div className="stack">
            <Alert tone="success">{t('auth.forgot.sent')}</Alert>
            <Link to="/login">{t('auth.backToLogin')}</Link>
          </div>
        ) : (
          <form onSubmit={submit} className="stack">
            <p>{t('auth.forgot.intro')}</p>
            <TextField
              label={t('common.email')}
              name="email"
              type="email"
              required
              autoComplete="username"
              autoFocus
              error={fieldError(request.error, 'email')}
            />
            <ErrorAlert error={request.error} />
            <Button type="submit" variant="primary" busy={request.isPending} className="button-block">
              {t('auth.forgot.submit')}
            </Button>
            <p className="center">
              <Link to="/login">{t('auth.backToLogin')}</Link>
            </p>
          </form>
        )}
      </div>
    </PublicLayout>
  );
}
