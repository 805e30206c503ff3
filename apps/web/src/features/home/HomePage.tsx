import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Icon, type IconName } from '../../components/Icon';
import { PublicLayout } from '../../components/PublicLayout';
import { useSetupStatus } from '../setup/setup.api';

const FEATURES = [
  { key: 'whatsapp', icon: 'inbox' },
  { key: 'calendar', icon: 'calendar' },
  { key: 'records', icon: 'tooth' },
  { key: 'protection', icon: 'lock' },
] as const satisfies readonly { key: string; icon: IconName }[];

export function HomePage() {
  const { t } = useTranslation();
  const setup = useSetupStatus();
  return (
    <PublicLayout>
      <section className="hero">
        <p className="eyebrow">{t('home.eyebrow')}</p>
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.lead')}</p>
        {setup.data?.needsSetup && (
          <div className="setup-callout">
            <p>{t('home.setupCallout')}</p>
            <Link to="/setup" className="button button-primary button-large">
              {t('home.setupLink')}
            </Link>
          </div>
        )}
        <div className="actions">
          <Link to="/login" className="button button-primary button-large">
            {t('nav.login')}
          </Link>
          <Link to="/privacy" className="button button-secondary button-large">
            {t('home.privacyLink')}
          </Link>
        </div>
      </section>
      <section aria-labelledby="features-title" className="features">
        <h2 id="features-title" className="visually-hidden">
          {t('home.featuresTitle')}
        </h2>
        <ul className="feature-grid">
          {FEATURES.map((feature) => (
            <li key={feature.key} className="card feature">
              <span className="feature-icon">
                <Icon name={feature.icon} size={28} />
              </span>
              <h3>{t(`home.features.${feature.key}.title`)}</h3>
              <p>{t(`home.features.${feature.key}.text`)}</p>
            </li>
          ))}
        </ul>
      </section>
    </PublicLayout>
  );
}
