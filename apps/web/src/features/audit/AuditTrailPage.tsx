import { AUDIT_ACTIONS, type AuditEvent } from '@dentalpro/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { AuditPageBody } from '../../api/contracts';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextField } from '../../components/Field';
import { nextDay, startOfDayIn, useDateFormat } from '../../components/format';
import { Loading } from '../../components/Loading';
import { usePractice } from '../practices/practices.api';
import { useCurrentPractice } from '../shell/AppShell';

const PAGE_SIZE = 50;

interface Filters {
  action: string;
  from: string;
  to: string;
}

export function AuditTrailPage() {
  const { t, i18n } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';
  const format = useDateFormat(timeZone);
  const [filters, setFilters] = useState<Filters>({ action: '', from: '', to: '' });

  const events = useInfiniteQuery({
    queryKey: ['audit', practiceId, filters, timeZone],
    enabled: can('audit:read') && !practice.isPending,
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: AuditPageBody) => last.nextBefore ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditPageBody>(
        `/practices/${practiceId}/audit-events`,
        {
          action: filters.action || undefined,
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
      action: String(form.get('action') ?? '').trim(),
      from: String(form.get('from') ?? ''),
      to: String(form.get('to') ?? ''),
    });
  };

  const actionLabel = (action: string) => {
    const key = `audit.actions.${action}`;
    const label = i18n.exists(key) ? t(key) : action;
    return typeof label === 'string' ? label : action;
  };

  if (!can('audit:read')) return <Alert tone="error">{t('errors.forbidden')}</Alert>;
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p className="lead">{t('audit.intro', { timeZone })}</p>
      <form className="card filters" onSubmit={submit} role="search" aria-label={t('audit.filters')}>
        <TextField label={t('audit.actionFilter')} name="action" defaultValue={filters.action} hint={t('audit.actionHint')} list="audit-actions" />
        <datalist id="audit-actions">
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {actionLabel(action)}
            </option>
          ))}
        </datalist>
        <TextField label={t('audit.from')} name="from" type="date" defaultValue={filters.from} />
        <TextField label={t('audit.to')} name="to" type="date" defaultValue={filters.to} />
        <div className="filter-actions">
          <Button type="submit" variant="primary">
            {t('audit.apply')}
          </Button>
          {(filters.action || filters.from || filters.to) && (
            <Button variant="ghost" onClick={() => setFilters({ action: '', from: '', to: '' })}>
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
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('audit.who')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.target')}</th>
                  <th scope="col">{t('audit.ip')}</th>
                  <th scope="col">{t('audit.changes')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((event) => (
                  <AuditRow key={event.id} event={event} time={format.dateTime(event.occurredAt)} action={actionLabel(event.action)} />
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

function AuditRow({ event, time, action }: { event: AuditEvent; time: string; action: string }) {
  const { t } = useTranslation();
  const changes = Object.keys(event.changes).length > 0 ? JSON.stringify(event.changes) : '';
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={event.occurredAt}>{time}</time>
      </td>
      <td>{event.actorName ?? t('audit.system')}</td>
      <td>
        <span className="action-label">{action}</span>
        {action !== event.action && <span className="muted mono small block">{event.action}</span>}
      </td>
      <td>
        {event.targetType ? (
          <>
            {event.targetType}
            {event.targetId && (
              <span className="muted mono small block" title={event.targetId}>
                {event.targetId.length > 13 ? `${event.targetId.slice(0, 8)}…` : event.targetId}
              </span>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="mono small">{event.ip ?? '—'}</td>
      <td>{changes ? <code className="changes">{changes}</code> : '—'}</td>
    </tr>
  );
}
