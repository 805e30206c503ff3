import type { PatientSummary } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPhone, useDayFormat } from '../../components/format';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { useDebounced } from '../scheduling/PatientPicker';
import { patientName } from '../scheduling/scheduling.api';
import { useCurrentPractice } from '../shell/AppShell';
import { CreatePatientForm } from './CreatePatientForm';

/** Find a patient by name, phone digits or birth date (archived ones on request); add one with every detail. */
export function PatientsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const navigate = useNavigate();
  const toast = useToast();
  const formatDay = useDayFormat();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [includeArchived, setIncludeArchived] = useState(false);
  const query = useDebounced(q.trim());
  const patients = useQuery({
    queryKey: ['patients', practiceId, 'list', query, includeArchived],
    queryFn: ({ signal }) =>
      api.get<{ items: PatientSummary[] }>(
        `/practices/${practiceId}/patients`,
        { q: query, limit: 50, includeArchived: includeArchived ? 'true' : undefined },
        signal,
      ),
    placeholderData: (previous) => previous,
  });
  const items = patients.data?.items ?? [];
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.patients')}</h1>
        <div className="actions">
          {can('patients:import') && (
            <Link className="button button-secondary" to={`/app/${practiceId}/settings/import`}>
              {t('patients.import')}
            </Link>
          )}
          {can('patients:write') && !creating && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              + {t('booking.newPatient')}
            </Button>
          )}
        </div>
      </div>
      {creating && (
        <section className="card form-card new-patient-card" aria-labelledby="new-patient-heading">
          <h2 id="new-patient-heading">{t('booking.newPatient')}</h2>
          <CreatePatientForm
            practiceId={practiceId}
            searchText={q}
            onCancel={() => setCreating(false)}
            onPickExisting={(p) => navigate(`/app/${practiceId}/patients/${p.id}`)}
            onCreated={(p) => {
              toast(t('patients.created', { name: patientName(p) }));
              navigate(`/app/${practiceId}/patients/${p.id}`);
            }}
          />
        </section>
      )}
      {/* biome-ignore lint/a11y/useSemanticElements: role=search is the same landmark as the newer <search> element, and older browsers know it too. */}
      <div role="search" className="patient-search">
        <label htmlFor="patient-search" className="field-label">
          {t('patients.search')}
        </label>
        <input
          id="patient-search"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('booking.patientHint')}
          autoComplete="off"
        />
        <label className="checkbox">
          <input type="checkbox" checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)} />
          {t('patients.includeArchived')}
        </label>
      </div>
      {patients.isPending ? (
        <Loading />
      ) : patients.isError ? (
        <ErrorAlert error={patients.error} />
      ) : items.length === 0 ? (
        <EmptyState
          icon={<Icon name="patients" size={40} />}
          title={query ? t('booking.noPatientFound') : t('patients.empty')}
        />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('common.phone')}</th>
                <th scope="col">{t('patients.dateOfBirth')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to={p.id}>{patientName(p)}</Link>
                    {p.status && p.status !== 'active' && (
                      <>
                        {' '}
                        <span className={`status-pill patient-status-${p.status}`}>
                          {t(`patientRecord.status.${p.status}`)}
                        </span>
                      </>
                    )}
                  </th>
                  <td className="mono nowrap">{p.phone ? formatPhone(p.phone) : '—'}</td>
                  <td className="nowrap">{p.dateOfBirth ? formatDay(p.dateOfBirth) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
