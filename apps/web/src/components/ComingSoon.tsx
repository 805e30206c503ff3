import { useTranslation } from 'react-i18next';
import { EmptyState } from './EmptyState';
import { Icon } from './Icon';

/** A capability that is planned but not built yet; says so plainly rather than showing an empty tool. */
export function ComingSoon({ feature }: { feature: 'calendar' | 'patients' | 'inbox' }) {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t(`nav.${feature}`)}</h1>
      <EmptyState icon={<Icon name={feature} size={44} />} title={t(`comingSoon.${feature}.title`)}>
        <p>{t(`comingSoon.${feature}.text`)}</p>
        <p className="muted">{t('comingSoon.note')}</p>
      </EmptyState>
    </>
  );
}
