import type { LoginResult } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import type { InvitationPreviewBody } from '../../api/contracts';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PublicLayout } from '../../components/PublicLayout';
import { ProviderButton } from './ProviderButton';
import { isMe, meKey, startPageFor } from './auth.api';

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.get<InvitationPreviewBody>(`/invitations/${encodeURIComponent(token)}`),
    retry: false,
  });
  const accept = useMutation({
    mutationFn: (input: { name?: string; password: string }) =>
      api.post<LoginResult>(`/invitations/${encodeURIComponent(token)}/accept`, input),
    onSuccess: (me) => {
      queryClient.clear();
      // Joined, but the account owes a two-step code, or must set two-step up (practice policy).
      if (!isMe(me)) {
        navigate('mfaEnrolmentRequired' in me ? '/enrol-two-step' : '/login?step=mfa', { replace: true });
        return;
      }
      queryClient.setQueryData(meKey, me);
      // The preview names the practice but not its id; find the membership just gained.
      const joined = me.memberships.find((m) => m.practiceName === preview.data?.practiceName) ?? me.memberships[0];
      navigate(joined ? `/app/${joined.practiceId}/${startPageFor(joined.role)}` : '/no-practice', { replace: true });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    accept.mutate(
      preview.data?.existingAccount ? { password } : { name: String(form.get('name') ?? '').trim(), password },
    );
  };

  return (
    <PublicLayout narrow>
      <div className="auth-card card">
        <h1>{t('auth.invitation.title')}</h1>
        {preview.isPending && <Loading />}
        {preview.isError && (
          <div className="stack">
            <ErrorAlert error={preview.error} />
            <p>{t('auth.invitation.askAgain')}</p>
            <Link to="/login">{t('auth.backToLogin')}</Link>
          </div>
        )}
        {preview.data && !preview.data.passwordSignInAllowed && (
          <div className="stack">
            <p className="lead">
              {t('auth.invitation.intro', {
                practice: preview.data.practiceName,
                role: t(`roles.${preview.data.role}`),
              })}
            </p>
            <p>
              {t(
                preview.data.existingAccount ? 'auth.invitation.providerOnlyExisting' : 'auth.invitation.providerOnly',
              )}
            </p>
            <ProviderButton invitationToken={token} email={preview.data.email} />
          </div>
        )}
        {preview.data?.passwordSignInAllowed && !preview.data.existingAccount && (
          <ProviderButton invitationToken={token} email={preview.data.email} />
        )}
        {preview.data?.passwordSignInAllowed && (
          <form onSubmit={submit} className="stack">
            <p className="lead">
              {t('auth.invitation.intro', {
                practice: preview.data.practiceName,
                role: t(`roles.${preview.data.role}`),
              })}
            </p>
            <dl className="summary">
              <div>
                <dt>{t('auth.invitation.practice')}</dt>
                <dd>{preview.data.practiceName}</dd>
              </div>
              <div>
                <dt>{t('staff.role')}</dt>
                <dd>{t(`roles.${preview.data.role}`)}</dd>
              </div>
              <div>
                <dt>{t('common.email')}</dt>
                <dd>{preview.data.email}</dd>
              </div>
            </dl>
            {preview.data.existingAccount ? (
              <>
                <p>{t('auth.invitation.existingAccount')}</p>
                <TextField
                  label={t('auth.invitation.currentPassword')}
                  name="password"
                  type="password"
                  required
                  autoComplete="current-password"
                  error={fieldError(accept.error, 'password')}
                />
              </>
            ) : (
              <>
                <TextField
                  label={t('auth.invitation.yourName')}
                  name="name"
                  required
                  maxLength={120}
                  autoComplete="name"
                  error={fieldError(accept.error, 'name')}
                />
                <TextField
                  label={t('auth.invitation.choosePassword')}
                  name="password"
                  type="password"
                  required
                  minLength={10}
                  maxLength={200}
                  autoComplete="new-password"
                  hint={t('common.passwordHint')}
                  error={fieldError(accept.error, 'password')}
                />
              </>
            )}
            <ErrorAlert error={accept.error} />
            <Button type="submit" variant="primary" busy={accept.isPending} className="button-block">
              {t('auth.invitation.submit')}
            </Button>
          </form>
        )}
      </div>
    </PublicLayout>
  );
}
