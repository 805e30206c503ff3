import { useTranslation } from 'react-i18next';
import type { Appointment } from '@dentalpro/contracts';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { ChartTab } from '../clinical/ChartTab';
import { ConsentBlock } from '../consent/ConsentBlock';
import { DocumentsTab } from '../clinical/DocumentsTab';
import { NotesTab } from '../clinical/NotesTab';
import { TreatmentPlanTab } from '../clinical/TreatmentPlanTab';
import { usePractice } from '../practices/practices.api';
import { PatientPrivacyRequests } from '../privacy/requests/PatientPrivacyRequests';
import { PatientLegalHold } from '../privacy/retention/PatientLegalHold';
import { BookedNotice, BookPatientButton } from '../scheduling/BookFromAnywhere';
import { patientName } from '../scheduling/scheduling.api';
import { useCurrentPractice } from '../shell/AppShell';
import { AppointmentsTab } from './AppointmentsTab';
import { MedicalAlertsBanner } from './MedicalAlerts';
import { MergedNotice } from './MergePatientPage';
import { OverviewTab } from './OverviewTab';
import { CLINICAL_TABS, PATIENT_TABS, type PatientTab, PatientTabs, panelId, tabId } from './PatientTabs';
import { usePatient, usePatientAppointments } from './patients.api';

function isTab(value: string | undefined): value is PatientTab {
  return (PATIENT_TABS as readonly string[]).includes(value ?? '');
}

/** One patient's record: demographics and appointments for everyone; the clinical tabs for clinical roles only. */
export function PatientPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const { patientId = '', tab: tabParam } = useParams();
  const navigate = useNavigate();
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';
  const patient = usePatient(practiceId, patientId);
  // A merged record has no appointments left (they moved to the kept record), and asking is refused.
  const appointments = usePatientAppointments(practiceId, patientId, patient.isSuccess && !patient.data.mergedIntoId);
  const clinicalRead = can('clinical:read');
  const tabs = PATIENT_TABS.filter((tab) => clinicalRead || !CLINICAL_TABS.includes(tab));
  const current: PatientTab = tabParam === undefined ? 'overview' : isTab(tabParam) ? tabParam : 'overview';
  const base = `/app/${practiceId}/patients/${patientId}`;
  const [booked, setBooked] = useState<Appointment | null>(null);

  if (patient.isPending) return <Loading />;
  if (patient.isError) return <ErrorAlert error={patient.error} />;
  const p = patient.data;
  const forbidden = CLINICAL_TABS.includes(current) && !clinicalRead;
  const unknownTab = tabParam !== undefined && !isTab(tabParam);

  return (
    <div className="patient-record">
      <p>
        <Link to={`/app/${practiceId}/patients`}>← {t('nav.patients')}</Link>
      </p>
      <div className="record-head">
        <h1>{patientName(p)}</h1>
        {p.preferredName && (
          <span className="record-head-known-as muted">
            ({t('patientRecord.preferredName')} {p.preferredName})
          </span>
        )}
        {p.status && p.status !== 'active' && (
          <span className={`status-pill patient-status-${p.status}`}>{t(`patientRecord.status.${p.status}`)}</span>
        )}
        {p.registeredVia === 'whatsapp' && (
          <span className="status-pill patient-registered-whatsapp">{t('patientRecord.registeredViaWhatsApp')}</span>
        )}
        {!p.mergedIntoId && (can('patients:write') || can('patients:merge') || can('calendar:book')) && (
          <div className="record-head-action actions">
            {can('calendar:book') && p.status === 'active' && practice.data && (
              <BookPatientButton practiceId={practiceId} timeZone={timeZone} patient={p} onBooked={setBooked} />
            )}
            {can('patients:write') && (
              <Link className="button button-secondary" to={`${base}/edit`}>
                {t('patientForm.editDetails')}
              </Link>
            )}
            {can('patients:merge') && (
              <Link className="button button-secondary" to={`${base}/merge`}>
                {t('patients.merge.open')}
              </Link>
            )}
            {can('privacy:manage') && <PatientLegalHold practiceId={practiceId} patient={p} />}
          </div>
        )}
      </div>
      {booked && <BookedNotice practiceId={practiceId} timeZone={timeZone} appointment={booked} />}
      {!p.mergedIntoId && p.status !== 'active' && (
        <Alert
          tone="warning"
          urgent={false}
          className="patient-status-notice"
          title={t(`patientRecord.statusNotice.${p.status}.title`)}
        >
          {t(`patientRecord.statusNotice.${p.status}.text`)}
        </Alert>
      )}
      {!p.mergedIntoId && p.registeredVia === 'whatsapp' && p.version === 1 && (
        <Alert tone="info" urgent={false} title={t('patientRecord.whatsappNotice.title')}>
          {t('patientRecord.whatsappNotice.text')}
        </Alert>
      )}
      {p.mergedIntoId ? (
        <>
          <MergedNotice practiceId={practiceId} survivorId={p.mergedIntoId} />
          <OverviewTab
            patient={p}
            practiceId={practiceId}
            timeZone={timeZone}
            canSeeAccessLog={can('patients:access_log')}
          />
        </>
      ) : (
        <>
          {clinicalRead && (
            <MedicalAlertsBanner practiceId={practiceId} patientId={patientId} canWrite={can('clinical:write')} />
          )}
          <PatientTabs
            tabs={tabs}
            current={forbidden ? 'overview' : current}
            onChange={(tab) => navigate(tab === 'overview' ? base : `${base}/${tab}`)}
          />
          <div
            role="tabpanel"
            id={panelId(current)}
            aria-labelledby={forbidden ? undefined : tabId(current)}
            className="record-panel"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the ARIA tabs pattern: Tab from the tab list lands on its panel.
            tabIndex={0}
          >
            {unknownTab ? (
              <Alert tone="error" title={t('errors.route_not_found')} />
            ) : forbidden ? (
              <Alert tone="error" title={t('patientRecord.notAllowedTitle')}>
                {t('patientRecord.notAllowed')}
              </Alert>
            ) : current === 'overview' ? (
              <div className="stack-lg">
                <OverviewTab
                  patient={p}
                  practiceId={practiceId}
                  timeZone={timeZone}
                  canSeeAccessLog={can('patients:access_log')}
                />
                {can('consent:read') && practice.data && (
                  <ConsentBlock
                    patient={p}
                    practiceId={practiceId}
                    practiceName={practice.data.name}
                    practiceLanguage={practice.data.defaultLanguage === 'fr' ? 'fr' : 'en'}
                    timeZone={timeZone}
                    canWrite={can('consent:write')}
                  />
                )}
                {can('privacy:requests') && (
                  <PatientPrivacyRequests practiceId={practiceId} patient={p} timeZone={timeZone} />
                )}
              </div>
            ) : current === 'appointments' ? (
              <AppointmentsTab practiceId={practiceId} timeZone={timeZone} query={appointments} />
            ) : current === 'chart' ? (
              <ChartTab
                practiceId={practiceId}
                patientId={patientId}
                timeZone={timeZone}
                canWrite={can('clinical:write')}
              />
            ) : current === 'plan' ? (
              <TreatmentPlanTab
                practiceId={practiceId}
                patientId={patientId}
                canWrite={can('clinical:write')}
                canManagePriceList={can('practice:manage')}
              />
            ) : current === 'notes' ? (
              <NotesTab
                practiceId={practiceId}
                patientId={patientId}
                timeZone={timeZone}
                appointments={appointments.data?.items ?? []}
                canWrite={can('clinical:write')}
                canSign={can('clinical:sign')}
              />
            ) : (
              <DocumentsTab
                practiceId={practiceId}
                patientId={patientId}
                timeZone={timeZone}
                canWrite={can('clinical:write')}
              />
            )}
          </div>
        </>
      )}
    </div>
  );
}
