import type { Patient } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { formatPhone, useDateFormat, useDayFormat } from '../../components/format';
import { patientName } from '../scheduling/scheduling.api';
import { ageOn, localToday } from './patient-form';
import { useAccessLog, usePatient, usePatientWhatsAppReach } from './patients.api';

interface OverviewTabProps {
  patient: Patient;
  practiceId: string;
  timeZone: string;
  canSeeAccessLog: boolean;
}

/** Demographics, phones and guardian; for the owner, who opened the clinical record. */
export function OverviewTab({ patient: p, practiceId, timeZone, canSeeAccessLog }: OverviewTabProps) {
  const { t } = useTranslation();
  const phones = p.phones ?? (p.phone ? [{ e164: p.phone, label: 'mobile' as const, isWhatsApp: false }] : []);
  const age = ageOn(p.dateOfBirth, localToday());
  const formatDay = useDayFormat();
  // What WhatsApp said of these numbers; the record shows without it while it loads or if it fails.
  const reach = usePatientWhatsAppReach(practiceId, p.id);
  const notOnWhatsAppSince = (e164: string) =>
    reach.data?.numbers.find((n) => n.e164 === e164)?.notOnWhatsAppSince ?? null;
  return (
    <div className="stack-lg">
      <section aria-labelledby="demographics-heading">
        <h2 id="demographics-heading" className="section-title">
          {t('patientRecord.demographics')}
        </h2>
        <dl className="summary form-card">
          <div>
            <dt>{t('common.name')}</dt>
            <dd>
              {p.givenName} {p.familyName}
              {p.preferredName && (
                <span className="muted">
                  {' '}
                  ({t('patientRecord.preferredName')}: {p.preferredName})
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('patients.dateOfBirth')}</dt>
            <dd>
              {p.dateOfBirth ? formatDay(p.dateOfBirth) : '—'}
              {age !== undefined && <span className="muted"> · {t('patientRecord.age', { count: age })}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('patientRecord.sex')}</dt>
            <dd>{p.sex ? t(`patientRecord.sexes.${p.sex}`) : '—'}</dd>
          </div>
          <div>
            <dt>{t('patientRecord.statusLabel')}</dt>
            <dd>
              <span className={`status-pill patient-status-${p.status ?? 'active'}`}>
                {t(`patientRecord.status.${p.status ?? 'active'}`)}
              </span>
            </dd>
          </div>
          <div>
            <dt>{t('patientRecord.phones')}</dt>
            <dd>
              {phones.length === 0 ? (
                '—'
              ) : (
                <ul className="plain-list">
                  {phones.map((phone) => (
                    <li key={phone.e164}>
                      <a className="mono nowrap" href={`tel:${phone.e164}`}>
                        {formatPhone(phone.e164)}
                      </a>{' '}
                      <span className="muted">
                        {t(`patientRecord.phoneLabels.${phone.label}`)}
                        {phone.isWhatsApp && (
                          <>
                            {' · '}
                            <span className="whatsapp-tag">WhatsApp</span>
                          </>
                        )}
                      </span>
                      <NotOnWhatsAppNote since={notOnWhatsAppSince(phone.e164)} timeZone={timeZone} />
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('common.email')}</dt>
            <dd>{p.email || '—'}</dd>
          </div>
          <div>
            <dt>{t('patientRecord.address')}</dt>
            <dd className="pre-line">{p.address || '—'}</dd>
          </div>
          <div>
            <dt>{t('patientRecord.language')}</dt>
            <dd>{p.preferredLanguage ? t(`patientRecord.languages.${p.preferredLanguage}`) : '—'}</dd>
          </div>
          <div>
            <dt>{t('patientRecord.guardian')}</dt>
            <dd>
              {p.guardianPatientId ? (
                <GuardianLink practiceId={practiceId} guardianId={p.guardianPatientId} />
              ) : p.guardianContact ? (
                <>
                  {p.guardianContact.name}
                  {p.guardianContact.relationship && <span className="muted"> ({p.guardianContact.relationship})</span>}{' '}
                  ·{' '}
                  <a className="mono nowrap" href={`tel:${p.guardianContact.phone}`}>
                    {formatPhone(p.guardianContact.phone)}
                  </a>
                  <NotOnWhatsAppNote since={notOnWhatsAppSince(p.guardianContact.phone)} timeZone={timeZone} />
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt>{t('patientRecord.adminNotes')}</dt>
            <dd className="pre-line">{p.notes || '—'}</dd>
          </div>
        </dl>
      </section>
      {canSeeAccessLog && <AccessLogSection practiceId={practiceId} patientId={p.id} timeZone={timeZone} />}
    </div>
  );
}

/**
 * Beside a number WhatsApp said it does not reach (Meta's 131026: not on WhatsApp, or an app too
 * old): in words, with the day it was first said, so the desk phones or corrects the number. It goes
 * when the patient writes from the number on WhatsApp.
 */
function NotOnWhatsAppNote({ since, timeZone }: { since: string | null; timeZone: string }) {
  const { t } = useTranslation();
  const fmt = useDateFormat(timeZone);
  if (!since) return null;
  return (
    <span className="not-on-whatsapp">
      <span aria-hidden="true">⚠ </span>
      {t('patientRecord.notOnWhatsApp', { date: fmt.date(since) })}
    </span>
  );
}

/** The guardian patient by name (with their number, to call), linking to their record. */
function GuardianLink({ practiceId, guardianId }: { practiceId: string; guardianId: string }) {
  const { t } = useTranslation();
  const guardian = usePatient(practiceId, guardianId);
  return (
    <>
      <Link to={`/app/${practiceId}/patients/${guardianId}`}>
        {guardian.data ? patientName(guardian.data) : t('patientRecord.guardianRecord')}
      </Link>
      {guardian.data?.phone && (
        <>
          {' · '}
          <a className="mono nowrap" href={`tel:${guardian.data.phone}`}>
            {formatPhone(guardian.data.phone)}
          </a>
        </>
      )}
      <span className="muted"> ({t('patientRecord.guardianIsPatient')})</span>
    </>
  );
}

function AccessLogSection({
  practiceId,
  patientId,
  timeZone,
}: {
  practiceId: string;
  patientId: string;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const log = useAccessLog(practiceId, patientId, true);
  const fmt = useDateFormat(timeZone);
  return (
    <section aria-labelledby="access-log-heading">
      <h2 id="access-log-heading" className="section-title">
        {t('patientRecord.accessLog.title')}
      </h2>
      <p className="muted">{t('patientRecord.accessLog.intro')}</p>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <ErrorAlert error={log.error} />
      ) : log.data.items.length === 0 ? (
        <p className="muted">{t('patientRecord.accessLog.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('patientRecord.accessLog.when')}</th>
                <th scope="col">{t('patientRecord.accessLog.who')}</th>
                <th scope="col">{t('patientRecord.accessLog.what')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((entry) => (
                <tr key={entry.id}>
                  <td>{fmt.dateTime(entry.occurredAt)}</td>
                  <td>{entry.actorName ?? '—'}</td>
                  <td>{t(`patientRecord.accessLog.actions.${entry.action}`, { defaultValue: entry.action })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
