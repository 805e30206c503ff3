import {
  DASHBOARD_MAX_DAYS,
  type DashboardCounts,
  type DashboardGranularity,
  type DashboardPeriod,
  dashboardRates,
} from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { usePractice } from '../practices/practices.api';
import { useAppointmentTypes, useProviders, useTypeName } from '../scheduling/scheduling.api';
import { isDay, todayIn } from '../scheduling/zoned-time';
import { useCurrentPractice } from '../shell/AppShell';
import { type ChartRow, type ChartSeries, DashboardChart } from './DashboardChart';
import { defaultRange, rangeProblem } from './dashboard-range';
import { useRemindersDashboard } from './dashboard.api';

/** Colours of at least 4.5:1 on white; lines are also told apart by a dash, and every chart has its table. */
const COLOURS = {
  blue: '#1f5a96',
  teal: '#0f766e',
  purple: '#6b3fa0',
  red: '#b42318',
} as const;

const RATE_KEYS = new Set(['%', 'confirmation', 'noShow', 'recallConversion', 'waitlistConversion']);

/** Reminders, confirmations, no-shows, recalls and waitlist offers by week or month (issue 13). */
export function DashboardPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practice = usePractice(membership.practiceId);
  if (!can('dashboard:read')) return <Alert tone="error">{t('errors.forbidden')}</Alert>;
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  if (!practice.data) return <Loading />;
  return <Dashboard practiceId={membership.practiceId} timeZone={practice.data.timeZone} />;
}

function useNumbers() {
  const { i18n } = useTranslation();
  const locale = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr-FR' : 'en-GB';
  const count = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const periodFormat = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
  return {
    format: (key: string, value: number | null) =>
      value === null ? '—' : RATE_KEYS.has(key) ? percent.format(value) : count.format(value),
    weekShort: periodFormat({ day: 'numeric', month: 'short' }),
    dayLong: periodFormat({ day: 'numeric', month: 'short', year: 'numeric' }),
    monthShort: periodFormat({ month: 'short', year: '2-digit' }),
    monthLong: periodFormat({ month: 'long', year: 'numeric' }),
  };
}

function Dashboard({ practiceId, timeZone }: { practiceId: string; timeZone: string }) {
  const { t } = useTranslation();
  const numbers = useNumbers();
  const typeName = useTypeName();
  const [params, setParams] = useSearchParams();
  const today = todayIn(timeZone);
  const granularity: DashboardGranularity = params.get('by') === 'month' ? 'month' : 'week';
  const fallback = defaultRange(today, granularity);
  const from = isDay(params.get('from')) ? (params.get('from') as string) : fallback.from;
  const to = isDay(params.get('to')) ? (params.get('to') as string) : fallback.to;
  const providerId = params.get('provider') ?? '';
  const appointmentTypeId = params.get('type') ?? '';
  const problem = rangeProblem(from, to);
  const setParam = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );

  const providers = useProviders(practiceId);
  const types = useAppointmentTypes(practiceId);
  const dashboard = useRemindersDashboard(
    practiceId,
    { from, to, granularity, providerId, appointmentTypeId },
    problem === null,
  );

  const label = (p: DashboardPeriod): Pick<ChartRow, 'short' | 'long'> => {
    const at = new Date(`${p.start}T00:00:00Z`);
    return granularity === 'week'
      ? {
          short: numbers.weekShort.format(at),
          long: t('remindersDashboard.weekOf', { date: numbers.dayLong.format(at) }),
        }
      : { short: numbers.monthShort.format(at), long: numbers.monthLong.format(at) };
  };
  const rows = (values: (c: DashboardCounts) => Record<string, number | null>): ChartRow[] =>
    (dashboard.data?.periods ?? []).map((p) => ({ ...label(p), values: values(p) }));
  const totals = dashboard.data?.totals;
  const rates = totals ? dashboardRates(totals) : null;
  const empty = totals ? Object.values(totals).every((v) => v === 0) : false;
  const series = (key: string, colour: keyof typeof COLOURS, kind: ChartSeries['kind'], dashed = false) => ({
    key,
    label: t(`remindersDashboard.series.${key}`),
    color: COLOURS[colour],
    kind,
    dashed,
  });
  const column = (key: string) => ({ key, label: t(`remindersDashboard.series.${key}`) });

  return (
    <div className="dashboard-page">
      <div className="page-head">
        <h1>{t('remindersDashboard.title')}</h1>
      </div>
      <p className="muted">{t('remindersDashboard.intro')}</p>
      {/* biome-ignore lint/a11y/useSemanticElements: role=search is the landmark of a filter form, as on the recall list. */}
      <div role="search" aria-label={t('remindersDashboard.filters')} className="filters dashboard-filters">
        <SelectField
          label={t('remindersDashboard.granularity')}
          value={granularity}
          onChange={(e) => setParam({ by: e.target.value === 'month' ? 'month' : null, from: null, to: null })}
        >
          <option value="week">{t('remindersDashboard.byWeek')}</option>
          <option value="month">{t('remindersDashboard.byMonth')}</option>
        </SelectField>
        <TextField
          type="date"
          label={t('remindersDashboard.from')}
          value={from}
          max={to}
          onChange={(e) => isDay(e.target.value) && setParam({ from: e.target.value })}
        />
        <TextField
          type="date"
          label={t('remindersDashboard.to')}
          value={to}
          min={from}
          onChange={(e) => isDay(e.target.value) && setParam({ to: e.target.value })}
        />
        <SelectField
          label={t('remindersDashboard.provider')}
          value={providerId}
          onChange={(e) => setParam({ provider: e.target.value })}
        >
          <option value="">{t('remindersDashboard.anyProvider')}</option>
          {(providers.data ?? []).map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.displayName}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('remindersDashboard.visitType')}
          value={appointmentTypeId}
          onChange={(e) => setParam({ type: e.target.value })}
        >
          <option value="">{t('remindersDashboard.anyVisitType')}</option>
          {(types.data ?? []).map((type) => (
            <option key={type.id} value={type.id}>
              {typeName(type)}
            </option>
          ))}
        </SelectField>
      </div>
      {(providerId || appointmentTypeId) && <p className="muted">{t('remindersDashboard.filterNote')}</p>}

      {problem ? (
        <Alert tone="error">
          {t(problem === 'order' ? 'remindersDashboard.rangeOrder' : 'remindersDashboard.rangeTooLong', {
            count: DASHBOARD_MAX_DAYS,
          })}
        </Alert>
      ) : dashboard.isError ? (
        <ErrorAlert error={dashboard.error} />
      ) : !dashboard.data || !rates || !totals ? (
        <Loading />
      ) : (
        <div aria-busy={dashboard.isFetching || undefined}>
          <p className="visually-hidden" aria-live="polite">
            {dashboard.isFetching
              ? ''
              : t('remindersDashboard.showing', {
                  from: numbers.dayLong.format(new Date(`${dashboard.data.from}T00:00:00Z`)),
                  to: numbers.dayLong.format(new Date(`${dashboard.data.to}T00:00:00Z`)),
                })}
          </p>
          {empty ? (
            <EmptyState icon={<Icon name="chart" size={40} />} title={t('remindersDashboard.emptyTitle')}>
              <p>{t('remindersDashboard.emptyText')}</p>
            </EmptyState>
          ) : (
            <>
              <h2 className="visually-hidden">{t('remindersDashboard.totals')}</h2>
              <dl className="dashboard-tiles">
                {(
                  [
                    ['remindersSent', numbers.format('count', totals.remindersSent)],
                    ['delivery', numbers.format('%', rates.delivery)],
                    ['read', numbers.format('%', rates.read)],
                    ['remindersFailed', numbers.format('count', totals.remindersFailed)],
                    ['confirmation', numbers.format('%', rates.confirmation)],
                    ['noShow', numbers.format('%', rates.noShow)],
                    ['recallConversion', numbers.format('%', rates.recallConversion)],
                    ['waitlistConversion', numbers.format('%', rates.waitlistConversion)],
                  ] as const
                ).map(([key, value]) => (
                  <div key={key} className="dashboard-tile">
                    <dt>{t(`remindersDashboard.tiles.${key}`)}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
              <div className="dashboard-charts">
                <DashboardChart
                  title={t('remindersDashboard.charts.reminders')}
                  description={t('remindersDashboard.charts.remindersText')}
                  series={[
                    series('remindersSent', 'blue', 'bar'),
                    series('remindersDelivered', 'teal', 'bar'),
                    series('remindersRead', 'purple', 'bar'),
                    series('remindersFailed', 'red', 'bar'),
                  ]}
                  columns={['remindersSent', 'remindersDelivered', 'remindersRead', 'remindersFailed'].map(column)}
                  rows={rows((c) => ({
                    remindersSent: c.remindersSent,
                    remindersDelivered: c.remindersDelivered,
                    remindersRead: c.remindersRead,
                    remindersFailed: c.remindersFailed,
                  }))}
                  format={numbers.format}
                />
                <DashboardChart
                  title={t('remindersDashboard.charts.attendance')}
                  description={t('remindersDashboard.charts.attendanceText')}
                  percent
                  series={[series('confirmation', 'teal', 'line'), series('noShow', 'red', 'line', true)]}
                  columns={[
                    'appointmentsReminded',
                    'appointmentsConfirmed',
                    'confirmation',
                    'appointmentsDue',
                    'noShows',
                    'noShow',
                  ].map(column)}
                  rows={rows((c) => ({
                    ...c,
                    confirmation: dashboardRates(c).confirmation,
                    noShow: dashboardRates(c).noShow,
                  }))}
                  format={numbers.format}
                />
                <DashboardChart
                  title={t('remindersDashboard.charts.recalls')}
                  description={t('remindersDashboard.charts.recallsText')}
                  series={[series('recallsSent', 'blue', 'bar'), series('recallsBooked', 'teal', 'bar')]}
                  columns={['recallsSent', 'recallsBooked', 'recallConversion'].map(column)}
                  rows={rows((c) => ({ ...c, recallConversion: dashboardRates(c).recallConversion }))}
                  format={numbers.format}
                />
                <DashboardChart
                  title={t('remindersDashboard.charts.waitlist')}
                  description={t('remindersDashboard.charts.waitlistText')}
                  series={[series('waitlistOffers', 'blue', 'bar'), series('waitlistAccepted', 'teal', 'bar')]}
                  columns={['waitlistOffers', 'waitlistAccepted', 'waitlistConversion'].map(column)}
                  rows={rows((c) => ({ ...c, waitlistConversion: dashboardRates(c).waitlistConversion }))}
                  format={numbers.format}
                />
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
