import { useTranslation } from 'react-i18next';
import { PublicLayout } from '../../components/PublicLayout';

interface PrivacySection {
  title: string;
  paragraphs: string[];
  items?: string[];
}

export function PrivacyPage() {
  const { t } = useTranslation();
  const sections = t('privacy.sections', { returnObjects: true }) as unknown as PrivacySection[];
  return (
    <PublicLayout narrow>
      <article className="prose">
        <h1>{t('privacy.title')}</h1>
        <p className="lead">{t('privacy.intro')}</p>
        {Array.isArray(sections) &&
          sections.map((section) => (
            <section key={section.title}>
              <h2>{section.title}</h2>
              {section.paragraphs.map((paragraph) => (
                <p key={paragraph}>{paragraph}</p>
              ))}
              {section.items && (
                <ul>
                  {section.items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              )}
            </section>
          ))}
        <p className="muted">{t('privacy.updated')}</p>
      </article>
    </PublicLayout>
  );
}
