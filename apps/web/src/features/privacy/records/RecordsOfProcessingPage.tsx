import type { ProcessingActivity } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/Alert';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Loading } from '../../../components/Loading';
import { useDateFormat } from '../../../components/format';
import { useCurrentPractice } from '../../shell/AppShell';
import { processingRecordPdfUrl, useProcessingRecord } from './records.api';

/**
 * Privacy → Records of processing, for owners: the record of processing activities the Data
 * Protection Act 2017 asks of the practice, generated from the kinds of data the system keeps,
 * with a PDF to keep or hand to the Commissioner.
 */
export function RecordsOfProcessingPage() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const allowed = can('privacy:manage');
  const record = useProcessingRecord(membership.practiceId, allowed);
  const format = useDateFormat(undefined);
  const lang = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  if (!allowed) return <Alert tone="info">{t('privacyRecords.ownersOnly')}</Alert>;
  return (
    <section className="stack" aria-labelledby="records-title">
      <div className="actions">
        <h1 id="records-title">{t('privacyRecords.title')}</h1>
        <a className="button button-primary" href={processingRecordPdfUrl(membership.practiceId, lang)} download>
          {t('privacyRecords.downloadPdf')}
        </a>
      </div>
      <p className="muted">{t('privacyRecords.intro')}</p>
      {record.isPending ? (
        <Loading />
      ) : record.isError ? (
        <ErrorAlert error={record.error} />
      ) : (
        <>
          <dl className="records-facts card">
            <dt>{t('privacyRecords.controller')}</dt>
            <dd>
              {[
                record.data.controller.name,
                record.data.controller.address,
                record.data.controller.email,
                record.data.controller.phone,
              ]
                .filter(Boolean)
                .join(' · ')}
            </dd>
            <dt>{t('privacyRecords.processor')}</dt>
            <dd>
              {record.data.processor.name}
              {record.data.processor.contactEmail ? ` · ${record.data.processor.contactEmail}` : ''}
            </dd>
            <dt>{t('privacyRecords.generated')}</dt>
            <dd>{format.dateTime(record.data.generatedAt)}</dd>
          </dl>
          {record.data.pendingModules.length > 0 && (
            <Alert tone="warning" urgent={false}>
              {t('privacyRecords.pending', { modules: record.data.pendingModules.join(', ') })}
            </Alert>
          )}
          <div className="table-wrap">
            <table className="records-table">
              <caption className="visually-hidden">{t('privacyRecords.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('privacyRecords.columns.category')}</th>
                  <th scope="col">{t('privacyRecords.columns.purposes')}</th>
                  <th scope="col">{t('privacyRecords.columns.legalBases')}</th>
                  <th scope="col">{t('privacyRecords.columns.retention')}</th>
                  <th scope="col">{t('privacyRecords.columns.recipients')}</th>
                </tr>
              </thead>
              <tbody>
                {record.data.activities.map((activity) => (
                  <ActivityRow key={activity.category} activity={activity} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function ActivityRow({ activity }: { activity: ProcessingActivity }) {
  const { t } = useTranslation();
  return (
    <tr>
      <th scope="row">
        {activity.description}
        <br />
        <code className="muted">{activity.category}</code>
        {activity.specialCategory && <span className="badge">{t('privacyRecords.healthData')}</span>}
        <br />
        <span className="muted">
          {t('privacyRecords.subjects')}:{' '}
          {activity.dataSubjects.map((s) => t(`privacyRecords.dataSubjects.${s}`)).join(', ')}
        </span>
      </th>
      <td>
        <ul className="plain-list">
          {activity.purposes.map((p) => (
            <li key={p}>{t(`privacyRecords.purposes.${p}`)}</li>
          ))}
        </ul>
      </td>
      <td>
        <ul className="plain-list">
          {activity.legalBases.map((b) => (
            <li key={b}>{t(`privacyRecords.legalBases.${b}`)}</li>
          ))}
        </ul>
      </td>
      <td>
        {activity.keptFor}
        <br />
        <span className="muted">{activity.why}</span>
      </td>
      <td>
        <ul className="plain-list">
          {activity.recipients.map((r) => (
            <li key={`${r.kind}:${r.name}`}>
              {r.name} <span className="muted">({r.location})</span>
              {r.outsideMauritius && <span className="badge">{t('privacyRecords.transfer')}</span>}
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
