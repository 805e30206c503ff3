import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { PublicLayout } from '../../components/PublicLayout';

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const confirm = useMutation({
    mutationFn: (newPassword: string) => api.post('/auth/password-reset/confirm', { token, newPassword }),
    onSuccess: () => navigate('/login?notice=password_reset', { replace: true }),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    confirm.mutate(String(new FormData(event.currentTarget).get('newPassword') ?? ''));
  };
  return (
    <PublicLayout narrow>
      <div className="auth-card card">
        <h1>{t('auth.reset.title')}</h1>
        {!token ? (
          <div className="stack">
            <Alert tone="error">{t('errors.reset_token_invalid')}</Alert>
            <Link to="/forgot-password">{t('auth.reset.requestAgain')}</Link>
          </div>
        ) : (
          <form onSubmit={submit} className="stack">
            <TextField
              label={t('auth.reset.newPassword')}
              name="newPassword"
              type="password"
              required
              minLength={10}
              maxLength={200}
              autoComplete="new-password"
              autoFocus
              hint={t('common.passwordHint')}
              error={fieldError(confirm.error, 'newPassword')}
            />
            <ErrorAlert error={confirm.error} />
            {confirm.error && (
              <p>
                <Link to="/forgot-password">{t('auth.reset.requestAgain')}</Link>
              </p>
            )}
            <Button type="submit" variant="primary" busy={confirm.isPending} className="button-block">
              {t('auth.reset.submit')}
            </Button>
          </form>
        )}
      </div>
    </PublicLayout>
  );
}
