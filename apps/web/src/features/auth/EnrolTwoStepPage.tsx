import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PublicLayout } from '../../components/PublicLayout';
import { TwoFactorSection } from '../account/TwoFactorSection';
import { homeFor, logOut, useMe } from './auth.api';

/**
 * A practice requires two-step for password sign-in and this account has none: signed in, but
 * nothing else opens until it is set up (the server refuses with mfa_enrolment_required).
 */
export function EnrolTwoStepPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (me.isPending) return <Loading />;
  if (!me.data) return <Navigate to="/login" replace />;
  const home = homeFor(me.data);
  return (
    <PublicLayout narrow>
      <div className="auth-card card stack">
        <h1>{t('auth.enrol.title')}</h1>
        <Alert tone="info">{t('auth.enrol.intro')}</Alert>
        <TwoFactorSection onEnabled={() => navigate(home, { replace: true })} />
        <Button
          variant="ghost"
          onClick={async () => {
            await logOut(queryClient);
            navigate('/login', { replace: true });
          }}
        >
          {t('auth.enrol.logOut')}
        </Button>
      </div>
    </PublicLayout>
  );
}
