import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/Alert';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Loading } from '../../../components/Loading';
import { useDateFormat, useDayFormat } from '../../../components/format';
import { useCurrentPractice } from '../../shell/AppShell';
import { usePolicyAcknowledgements, usePrivacyPolicy } from './policy.api';

/**
 * Privacy → Policy, for owners: the versions of the privacy policy the practice relies on (each
 * readable on the public page), and who in the team has acknowledged the newest material change.
 */
export function PolicyVersionsPage() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const allowed = can('privacy:manage');
  const policy = usePrivacyPolicy();
  const acknowledgements = usePolicyAcknowledgements(membership.practiceId, allowed);
  const day = useDayFormat();
  const format = useDateFormat(undefined);
  const lang = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  if (!allowed) return <Alert tone="info">{t('privacyPolicyVersions.ownersOnly')}</Alert>;
  return (
    <section className="stack" aria-labelledby="policy-versions-title">
      <h1 id="policy-versions-title">{t('privacyPolicyVersions.title')}</h1>
      <p className="muted">{t('privacyPolicyVersions.intro')}</p>
      {policy.isPending ? (
        <Loading />
      ) : policy.isError ? (
        <ErrorAlert error={policy.error} />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('privacyPolicyVersions.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('privacyPolicyVersions.version')}</th>
                <th scope="col">{t('privacyPolicyVersions.lastUpdated')}</th>
                <th scope="col">{t('privacyPolicyVersions.summary')}</th>
              </tr>
            </thead>
            <tbody>
              {policy.data.versions.map((v) => (
                <tr key={v.version}>
                  <th scope="row">
                    <a
                      href={v.version === policy.data.current.version ? '/privacy' : `/privacy?version=${v.version}`}
                      target="_blank"
                      rel="noopener"
                    >
                      {t('privacyPolicyVersions.read', { version: v.version })}
                      <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
                    </a>
                    {v.version === policy.data.current.version && <span className="badge">{t('privacy.current')}</span>}
                    {v.material && <span className="badge">{t('privacy.material')}</span>}
                  </th>
                  <td>{day(v.lastUpdated)}</td>
                  <td>{v.summary[lang]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="stack" aria-labelledby="policy-acks-title">
        <h2 id="policy-acks-title">{t('privacyPolicyVersions.acknowledgements')}</h2>
        {acknowledgements.isPending ? (
          <Loading />
        ) : acknowledgements.isError ? (
          <ErrorAlert error={acknowledgements.error} />
        ) : !acknowledgements.data.version ? (
          <p className="muted">{t('privacyPolicyVersions.noMaterial')}</p>
        ) : (
          <>
            <p>
              {t('privacyPolicyVersions.materialVersion', {
                version: acknowledgements.data.version.version,
                date: day(acknowledgements.data.version.lastUpdated),
              })}
            </p>
            <ul className="plain-list">
              {acknowledgements.data.members.map((m) => (
                <li key={m.userId}>
                  <strong>{m.name}</strong> <span className="muted">({t(`roles.${m.role}`)})</span>:{' '}
                  {m.acknowledgedAt
                    ? t('privacyPolicyVersions.acknowledgedAt', { when: format.dateTime(m.acknowledgedAt) })
                    : t('privacyPolicyVersions.notYet')}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <p className="muted">{t('privacyPolicyVersions.howPublished')}</p>
    </section>
  );
}
