import type { PatientSummary } from '@dentalpro/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Loading } from '../../../components/Loading';
import { useDateFormat } from '../../../components/format';
import { DueDate, NewRequestDialog } from './RequestsPage';
import { usePrivacyRequests } from './requests.api';

/**
 * On a patient's page, for whoever records privacy requests: this patient's requests (open ones
 * first, the overdue leading), each linked to its page, and "Record a request" with the patient
 * filled in.
 */
export function PatientPrivacyRequests({
  practiceId,
  patient,
  timeZone,
}: {
  practiceId: string;
  patient: PatientSummary;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const fmt = useDateFormat(timeZone);
  const list = usePrivacyRequests(practiceId, { state: 'all', patientId: patient.id });
  const [recording, setRecording] = useState(false);
  const name = `${patient.givenName} ${patient.familyName}`.trim();
  return (
    <section className="stack patient-privacy-requests" aria-labelledby="patient-privacy-requests-title">
      <h2 id="patient-privacy-requests-title" className="section-title">
        {t('privacyPatient.title')}
      </h2>
      <div className="actions">
        <Button onClick={() => setRecording(true)}>{t('privacyPatient.record')}</Button>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} />
      ) : list.data.requests.length === 0 ? (
        <p className="muted">{t('privacyPatient.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="list-table">
            <caption className="visually-hidden">{t('privacyPatient.caption', { name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('privacyRequests.type')}</th>
                <th scope="col">{t('privacyRequests.state')}</th>
                <th scope="col">{t('privacyRequests.due')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.requests.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/app/${practiceId}/privacy/requests/${r.id}`}>
                      {t(`privacyRequests.types.${r.type}`)}
                    </Link>
                  </th>
                  <td>{t(`privacyRequests.states.${r.state}`)}</td>
                  <td>
                    <DueDate request={r} date={fmt.date(r.dueAt)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewRequestDialog
        practiceId={practiceId}
        open={recording}
        onClose={() => setRecording(false)}
        patient={patient}
      />
    </section>
  );
}
