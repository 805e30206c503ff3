import type { PolicyVersion, PolicyVersionSummary } from '@dentalpro/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { PublicLayout } from '../../components/PublicLayout';
import { useDayFormat } from '../../components/format';
import { PolicyText } from './policy/PolicyText';
import { usePolicyVersion, usePrivacyPolicy } from './policy/policy.api';

/**
 * /privacy: the current version of the privacy policy with its "Last updated" date, in the
 * interface language, and every earlier version listed, each readable (?version=N).
 */
export function PrivacyPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const policy = usePrivacyPolicy();
  const asked = Number(params.get('version'));
  const currentVersion = policy.data?.current.version;
  const earlier = Number.isInteger(asked) && asked > 0 && asked !== currentVersion ? asked : null;
  const older = usePolicyVersion(policy.data ? earlier : null);
  const lang = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';

  let body: ReactNode;
  if (policy.isPending) body = <Loading />;
  else if (policy.isError) body = <ErrorAlert error={policy.error} />;
  else if (earlier !== null && older.isPending) body = <Loading />;
  else if (earlier !== null && older.isError) body = <ErrorAlert error={older.error} />;
  else {
    const shown: PolicyVersion = earlier !== null && older.data ? older.data : policy.data.current;
    body = (
      <>
        <article className="prose" aria-labelledby="policy-title">
          <h1 id="policy-title">{t('privacy.title')}</h1>
          <PolicyMeta version={shown} />
          {earlier !== null && (
            <Alert tone="warning" urgent={false}>
              {t('privacy.earlierNotice', { version: shown.version })}{' '}
              <Link to="/privacy">{t('privacy.readCurrent')}</Link>
            </Alert>
          )}
          <PolicyText text={shown.text[lang]} />
        </article>
        <VersionHistory versions={policy.data.versions} current={policy.data.current.version} shown={shown.version} />
      </>
    );
  }
  return <PublicLayout narrow>{body}</PublicLayout>;
}

function PolicyMeta({ version }: { version: PolicyVersion }) {
  const { t, i18n } = useTranslation();
  const day = useDayFormat();
  const lang = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  return (
    <p className="lead">
      <strong>{t('privacy.lastUpdated', { date: day(version.lastUpdated) })}</strong>
      <span className="muted">
        {' · '}
        {t('privacy.versionLabel', { version: version.version })}
      </span>
      <br />
      <span className="muted">{version.summary[lang]}</span>
    </p>
  );
}

function VersionHistory({
  versions,
  current,
  shown,
}: {
  versions: PolicyVersionSummary[];
  current: number;
  shown: number;
}) {
  const { t, i18n } = useTranslation();
  const day = useDayFormat();
  const lang = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  return (
    <section className="policy-history" aria-labelledby="policy-history-title">
      <h2 id="policy-history-title">{t('privacy.history')}</h2>
      {versions.length === 1 ? (
        <p className="muted">{t('privacy.noEarlier')}</p>
      ) : (
        <ol reversed>
          {versions.map((v) => (
            <li key={v.version}>
              {v.version === shown ? (
                <span aria-current="page">
                  <strong>{t('privacy.versionOf', { version: v.version, date: day(v.lastUpdated) })}</strong>
                </span>
              ) : (
                <Link to={v.version === current ? '/privacy' : `/privacy?version=${v.version}`}>
                  {t('privacy.versionOf', { version: v.version, date: day(v.lastUpdated) })}
                </Link>
              )}
              {v.version === current && <span className="badge">{t('privacy.current')}</span>}
              {v.material && <span className="badge">{t('privacy.material')}</span>}
              <br />
              <span className="muted">{v.summary[lang]}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
