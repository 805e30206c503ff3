import type { AuditEvent, PatientSummary } from '@dentalpro/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { AuditPageBody, StaffListBody } from '../../api/contracts';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextField } from '../../components/Field';
import { nextDay, startOfDayIn, useDateFormat } from '../../components/format';
import { Loading } from '../../components/Loading';
import { usePractice } from '../practices/practices.api';
import { PatientPicker } from '../scheduling/PatientPicker';
import { useCurrentPractice } from '../shell/AppShell';
import { actionsByArea, actionsParam } from './audit-areas';
import { type AuditWords, type Piece, describeChanges, describeTarget } from './audit-format';

const PAGE_SIZE = 50;

interface Filters {
  /** An action, `area:<name>` for a whole area, or '' for all. */
  action: string;
  actorUserId: string;
  patient: PatientSummary | null;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { action: '', actorUserId: '', patient: null, from: '', to: '' };

export function AuditTrailPage() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';
  const format = useDateFormat(timeZone);
  const language = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // The patient picker is controlled; the other fields are read from the form when it is applied.
  const [pickedPatient, setPickedPatient] = useState<PatientSummary | null>(null);
  const staff = useQuery({
    queryKey: ['staff', practiceId],
    queryFn: () => api.get<StaffListBody>(`/practices/${practiceId}/staff`),
    enabled: can('staff:read'),
  });

  const events = useInfiniteQuery({
    queryKey: ['audit', practiceId, { ...filters, patient: filters.patient?.id ?? null }, timeZone],
    enabled: can('audit:read') && !practice.isPending,
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: AuditPageBody) => last.nextBefore ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditPageBody>(
        `/practices/${practiceId}/audit-events`,
        {
          actions: actionsParam(filters.action),
          actorUserId: filters.actorUserId || undefined,
          patientId: filters.patient?.id,
          from: filters.from ? startOfDayIn(filters.from, timeZone) : undefined,
          to: filters.to ? startOfDayIn(nextDay(filters.to), timeZone) : undefined,
          before: pageParam,
          limit: PAGE_SIZE,
        },
        signal,
      ),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFilters({
      action: String(form.get('action') ?? ''),
      actorUserId: String(form.get('actorUserId') ?? ''),
      patient: pickedPatient,
      from: String(form.get('from') ?? ''),
      to: String(form.get('to') ?? ''),
    });
  };
  const clear = () => {
    setPickedPatient(null);
    setFilters(NO_FILTERS);
  };

  const actionLabel = (action: string) => {
    const key = `audit.actions.${action}`;
    const label = i18n.exists(key) ? t(key) : action;
    return typeof label === 'string' ? label : action;
  };

  const targets = useMemo(
    () => Object.assign({}, ...(events.data?.pages.map((p) => p.targets ?? {}) ?? [])),
    [events.data],
  );
  const words: AuditWords = {
    t: (key, options) => String(t(key, options ?? {})),
    has: (key) => i18n.exists(key),
    language,
    dateTime: format.dateTime,
    date: format.day,
    currency: practice.data?.currency ?? 'MUR',
    targets,
  };

  if (!can('audit:read')) return <Alert tone="error">{t('errors.forbidden')}</Alert>;
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const members = staff.data?.members ?? [];
  const filtered = Boolean(filters.action || filters.actorUserId || filters.patient || filters.from || filters.to);

  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p className="lead">{t('audit.intro', { timeZone })}</p>
      {/* biome-ignore lint/a11y/useSemanticElements: role=search is the same landmark as the newer <search> element, and older browsers know it too. */}
      <form
        key={JSON.stringify(filters)}
        className="card filters"
        onSubmit={submit}
        role="search"
        aria-label={t('audit.filters')}
      >
        <SelectField label={t('audit.actionFilter')} name="action" defaultValue={filters.action}>
          <option value="">{t('audit.allActions')}</option>
          {actionsByArea().map(({ area, actions }) => {
            const areaName = t(`audit.areas.${area}`);
            return (
              <optgroup key={area} label={areaName}>
                <option value={`area:${area}`}>{t('audit.allOfArea', { area: areaName })}</option>
                {actions.map((action) => (
                  <option key={action} value={action}>
                    {actionLabel(action)}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </SelectField>
        <SelectField label={t('audit.personFilter')} name="actorUserId" defaultValue={filters.actorUserId}>
          <option value="">{t('audit.everyone')}</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </SelectField>
        <PatientPicker
          practiceId={practiceId}
          value={pickedPatient}
          onChange={setPickedPatient}
          label={t('audit.patientFilter')}
          allowNew={false}
        />
        <TextField label={t('audit.from')} name="from" type="date" defaultValue={filters.from} />
        <TextField label={t('audit.to')} name="to" type="date" defaultValue={filters.to} />
        <div className="filter-actions">
          <Button type="submit" variant="primary">
            {t('audit.apply')}
          </Button>
          {filtered && (
            <Button variant="ghost" onClick={clear}>
              {t('audit.clear')}
            </Button>
          )}
        </div>
      </form>

      {events.isPending ? (
        <Loading />
      ) : events.isError && items.length === 0 ? (
        <ErrorAlert error={events.error} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Icon name="audit" size={40} />} title={t('audit.empty')} />
      ) : (
        <>
          <div className="table-wrap">
            <table className="audit-table">
              <caption className="visually-hidden">{t('audit.title')}</caption>
              <thead>
                <tr>
                  {/* When, who and from where share a column: the table fits a tablet without scrolling sideways. */}
                  <th scope="col">
                    {t('audit.time')} · {t('audit.who')}
                  </th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.target')}</th>
                  <th scope="col">{t('audit.changes')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((event) => (
                  <AuditRow
                    key={event.id}
                    event={event}
                    time={format.dateTime(event.occurredAt)}
                    action={actionLabel(event.action)}
                    words={words}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {events.isError && <ErrorAlert error={events.error} />}
          <div className="actions center">
            {events.hasNextPage ? (
              <Button onClick={() => void events.fetchNextPage()} busy={events.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            ) : (
              <p className="muted">{t('audit.end')}</p>
            )}
          </div>
        </>
      )}
    </>
  );
}

function Pieces({ pieces }: { pieces: Piece[] }) {
  return (
    <>
      {pieces.map((piece, i) =>
        piece.href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one line, made together and never reordered.
          <Link key={i} to={piece.href}>
            {piece.text}
          </Link>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one line, made together and never reordered.
          <span key={i}>{piece.text}</span>
        ),
      )}
    </>
  );
}

function AuditRow({
  event,
  time,
  action,
  words,
}: {
  event: AuditEvent;
  time: string;
  action: string;
  words: AuditWords;
}) {
  const { t } = useTranslation();
  const target = describeTarget(event, words);
  const changes = describeChanges(event, words);
  return (
    <tr>
      <td>
        <time className="block nowrap" dateTime={event.occurredAt}>
          {time}
        </time>
        <span className="block">{event.actorName ?? t('audit.system')}</span>
        {event.ip && (
          <span className="muted mono small block">
            <span className="visually-hidden">{t('audit.ip')}: </span>
            {event.ip}
          </span>
        )}
      </td>
      <td>
        <span className="action-label">{action}</span>
        {action !== event.action && <span className="muted mono small block">{event.action}</span>}
      </td>
      <td>
        {target ? (
          <>
            <span className="muted small block">{target.kind}</span>
            {target.piece && <Pieces pieces={[target.piece]} />}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        {changes.length > 0 ? (
          <ul className="changes">
            {changes.map((line) => (
              <li key={line.key}>
                <span className="change-label">{t('audit.changeLabel', { label: line.label })}</span>{' '}
                <Pieces pieces={line.value} />
              </li>
            ))}
          </ul>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}
