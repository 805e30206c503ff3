import type { PatientSearchResult } from '@dentalpro/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
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

const PAGE_SIZE = 50;

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
  const patients = useInfiniteQuery({
    queryKey: ['patients', practiceId, 'list', query, includeArchived],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: PatientSearchResult) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<PatientSearchResult>(
        `/practices/${practiceId}/patients`,
        {
          q: query,
          limit: PAGE_SIZE,
          includeArchived: includeArchived ? 'true' : undefined,
          // Counted once, with the first page: the count follows the search, not the paging.
          withTotal: pageParam ? undefined : 'true',
          cursor: pageParam,
        },
        signal,
      ),
    placeholderData: (previous) => previous,
  });
  const items = patients.data?.pages.flatMap((page) => page.items) ?? [];
  const total = patients.data?.pages[0]?.total;
  const nextPageError = patients.isFetchNextPageError ? patients.error : null;
  // After "Load more", the focus moves to the first patient it brought (the button it was on goes
  // away at the end of the list).
  const tbody = useRef<HTMLTableSectionElement>(null);
  const focusRow = useRef<number | null>(null);
  useEffect(() => {
    const row = focusRow.current;
    if (row === null || row >= items.length) return;
    focusRow.current = null;
    tbody.current?.querySelectorAll<HTMLAnchorElement>('tr > th a')[row]?.focus();
  }, [items.length]);
  const loadMore = () => {
    focusRow.current = items.length;
    void patients.fetchNextPage();
  };
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
      ) : patients.isError && !patients.isFetchNextPageError ? (
        <ErrorAlert error={patients.error} />
      ) : items.length === 0 ? (
        <EmptyState
          icon={<Icon name="patients" size={40} />}
          title={query ? t('booking.noPatientFound') : t('patients.empty')}
        />
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {total && t(total.capped ? 'patients.countCapped' : 'patients.count', { count: total.count })}
            {total && items.length < total.count && ` · ${t('patients.shown', { shown: items.length })}`}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('common.phone')}</th>
                  <th scope="col">{t('patients.dateOfBirth')}</th>
                </tr>
              </thead>
              <tbody ref={tbody}>
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
          {patients.hasNextPage && (
            <div className="actions center">
              <Button onClick={loadMore} busy={patients.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </div>
          )}
          {patients.isFetchNextPageError && <ErrorAlert error={nextPageError} />}
        </>
      )}
    </>
  );
}
