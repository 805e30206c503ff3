import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PublicLayout } from '../../components/PublicLayout';

export function NotFoundPage({ standalone = false }: { standalone?: boolean }) {
  const { t } = useTranslation();
  const content = (
    <EmptyState
      icon={<Icon name="search" size={40} />}
      title={t('notFound.title')}
      action={
        <Link to="/" className="button button-secondary">
          {t('notFound.home')}
        </Link>
      }
    >
      <p>{t('notFound.text')}</p>
    </EmptyState>
  );
  return standalone ? <PublicLayout narrow>{content}</PublicLayout> : content;
}
