import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useDayFormat } from '../../../components/format';
import { useAcknowledgePolicy, usePolicyNotice } from './policy.api';

/**
 * In the staff app's shell: a material change of the privacy policy, until the signed-in member
 * acknowledges it (stored for them, in every practice).
 */
export function PolicyNoticeBanner() {
  const { t, i18n } = useTranslation();
  const day = useDayFormat();
  const notice = usePolicyNotice();
  const acknowledge = useAcknowledgePolicy();
  const version = notice.data?.notice;
  if (!version) return null;
  const lang = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  return (
    <section className="policy-notice" aria-labelledby="policy-notice-title">
      <div className="policy-notice-text">
        <p id="policy-notice-title" className="policy-notice-title">
          {t('policyNotice.title', { date: day(version.lastUpdated) })}
        </p>
        <p>{version.summary[lang]}</p>
        {acknowledge.isError && <ErrorAlert error={acknowledge.error} />}
      </div>
      <div className="policy-notice-actions">
        <a href="/privacy" target="_blank" rel="noopener">
          {t('policyNotice.read')}
          <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
        </a>
        <Button variant="primary" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate(version.version)}>
          {t('policyNotice.acknowledge')}
        </Button>
      </div>
    </section>
  );
}
