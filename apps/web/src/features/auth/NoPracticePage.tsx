import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { PublicLayout } from '../../components/PublicLayout';
import { homeFor, logOut, useMe } from './auth.api';

/** A user whose every membership was removed: nothing to show but the way out. */
export function NoPracticePage() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  if (me.isPending) return <Loading />;
  if (!me.data) return <Navigate to="/login" replace />;
  if (me.data.memberships.length > 0) return <Navigate to={homeFor(me.data)} replace />;
  return (
    <PublicLayout narrow>
      <EmptyState
        icon={<Icon name="tooth" size={40} />}
        title={t('noPractice.title')}
        action={
          <Button
            variant="secondary"
            onClick={() => void logOut(queryClient).finally(() => navigate('/login?notice=logged_out'))}
          >
            {t('nav.logout')}
          </Button>
        }
      >
        <p>{t('noPractice.text', { name: me.data.user.name })}</p>
      </EmptyState>
    </PublicLayout>
  );
}
