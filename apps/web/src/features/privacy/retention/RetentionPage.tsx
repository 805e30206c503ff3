import type { RetentionRule, RetentionRun, RetentionSettings } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { useDateFormat } from '../../../components/format';
import { usePractice } from '../../practices/practices.api';
import { useCurrentPractice } from '../../shell/AppShell';
import { parseDays, yearsOf } from './retention-format';
import {
  retentionApi,
  retentionKeys,
  useRetentionReport,
  useRetentionRuns,
  useRetentionSettings,
} from './retention.api';

/**
 * Privacy → Retention, for owners: each kind of data with its period (the default and the floor the
 * law sets; the practice may keep data longer, never shorter: a refusal is shown beside its field),
 * what the daily job will purge in the next 90 days, and what its last runs purged.
 */
export function RetentionPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  if (!can('privacy:manage')) return <Alert tone="info">{t('privacyRetention.ownersOnly')}</Alert>;
  return (
    <div className="stack-lg retention-page">
      <h1>{t('privacyRetention.pageTitle')}</h1>
      <RetentionRules practiceId={practiceId} />
      <RetentionReportSection practiceId={practiceId} />
      <RetentionRunsSection practiceId={practiceId} />
    </div>
  );
}

function usePeriod() {
  const { t } = useTranslation();
  return (days: number) => {
    const years = yearsOf(days);
    return years === null
      ? t('privacyRetention.days', { count: days })
      : t('privacyRetention.years', { count: years, days });
  };
}

function RetentionRules({ practiceId }: { practiceId: string }) {
  const settings = useRetentionSettings(practiceId);
  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return <RulesForm key={settings.dataUpdatedAt} practiceId={practiceId} settings={settings.data} />;
}

function RulesForm({ practiceId, settings }: { practiceId: string; settings: RetentionSettings }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const period = usePeriod();
  const formRef = useRef<HTMLFormElement>(null);
  const [days, setDays] = useState<Record<string, string>>(() =>
    Object.fromEntries(settings.rules.map((r) => [r.category, String(r.days)])),
  );
  const [notNumber, setNotNumber] = useState<ReadonlySet<string>>(new Set());
  const save = useMutation({
    mutationFn: () =>
      retentionApi.save(practiceId, {
        rules: settings.rules.map((r) => ({ category: r.category, days: Number(days[r.category]) })),
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(retentionKeys.settings(practiceId), saved);
      void queryClient.invalidateQueries({ queryKey: retentionKeys.report(practiceId) });
      toast(t('privacyRetention.saved'));
    },
  });
  const err = save.error;
  useEffect(() => {
    if (!err) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [err]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const bad = new Set(
      settings.rules.filter((r) => parseDays(days[r.category] ?? '') === null).map((r) => r.category),
    );
    setNotNumber(bad);
    if (bad.size > 0) {
      window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    save.mutate();
  };

  const problemOf = (rule: RetentionRule, index: number) =>
    notNumber.has(rule.category)
      ? t('privacyRetention.wholeDays')
      : (fieldError(err, `rules.${index}.days`) ?? fieldError(err, `rules.${index}.category`));
  const otherError =
    err && !isApiError(err, 'retention_rule_below_floor') && !isApiError(err, 'retention_category_unknown');

  return (
    <form ref={formRef} onSubmit={submit} className="card form-card stack" aria-labelledby="retention-rules-title">
      <h2 id="retention-rules-title">{t('privacyRetention.rulesTitle')}</h2>
      <p className="muted">{t('privacyRetention.rulesIntro')}</p>
      {settings.undeclared.length > 0 && (
        <Alert tone="warning">{t('privacyRetention.undeclared', { modules: settings.undeclared.join(', ') })}</Alert>
      )}
      {settings.rules.length === 0 ? (
        <p>{t('privacyRetention.noRules')}</p>
      ) : (
        <ul className="plain-list retention-rules">
          {settings.rules.map((rule, index) => (
            <li key={rule.category} className="retention-rule">
              <h3 id={`retention-${rule.category}-title`}>{rule.description}</h3>
              <p className="field-hint">{rule.why}</p>
              <p className="field-hint">
                {t('privacyRetention.defaultAndFloor', {
                  default: period(rule.defaultDays),
                  floor: period(rule.floorDays),
                })}{' '}
                {t(`privacyRetention.from.${rule.from}`)}
              </p>
              <TextField
                id={`retention-${rule.category}-days`}
                label={
                  <>
                    {t('privacyRetention.daysLabel')}
                    <span className="visually-hidden">: {rule.description}</span>
                  </>
                }
                inputMode="numeric"
                className="retention-days"
                value={days[rule.category] ?? ''}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  setDays((current) => ({ ...current, [rule.category]: value }));
                }}
                hint={
                  parseDays(days[rule.category] ?? '') !== null
                    ? `${period(parseDays(days[rule.category] ?? '')!)}${rule.customised ? ` · ${t('privacyRetention.customised')}` : ''}`
                    : undefined
                }
                error={problemOf(rule, index)}
              />
            </li>
          ))}
        </ul>
      )}
      {otherError && <ErrorAlert error={err} />}
      {settings.rules.length > 0 && (
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('privacyRetention.save')}
          </Button>
          <Button
            onClick={() => setDays(Object.fromEntries(settings.rules.map((r) => [r.category, String(r.defaultDays)])))}
          >
            {t('privacyRetention.resetDefaults')}
          </Button>
        </div>
      )}
      {settings.others.length > 0 && (
        <details>
          <summary>{t('privacyRetention.othersTitle')}</summary>
          <ul>
            {settings.others.map((o) => (
              <li key={o.category}>
                <strong>{o.description}</strong>: {o.keptFor}. {o.why}
              </li>
            ))}
          </ul>
        </details>
      )}
    </form>
  );
}

function RetentionReportSection({ practiceId }: { practiceId: string }) {
  const { t } = useTranslation();
  const report = useRetentionReport(practiceId);
  const practice = usePractice(practiceId);
  const fmt = useDateFormat(practice.data?.timeZone);
  const period = usePeriod();
  return (
    <section className="card stack" aria-labelledby="retention-report-title">
      <h2 id="retention-report-title">{t('privacyRetention.reportTitle')}</h2>
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <ErrorAlert error={report.error} />
      ) : (
        <>
          <p className="muted">
            {t('privacyRetention.reportIntro', { until: fmt.date(report.data.until), days: report.data.days })}
          </p>
          {report.data.heldPatients > 0 && (
            <p>{t('privacyRetention.heldLeftOut', { count: report.data.heldPatients })}</p>
          )}
          <div className="table-wrap">
            <table className="list-table">
              <caption className="visually-hidden">{t('privacyRetention.reportTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('privacyRetention.category')}</th>
                  <th scope="col">{t('privacyRetention.period')}</th>
                  <th scope="col" className="num">
                    {t('privacyRetention.dueNow')}
                  </th>
                  <th scope="col" className="num">
                    {t('privacyRetention.dueWithin', { days: report.data.days })}
                  </th>
                  <th scope="col" className="num">
                    {t('privacyRetention.patients')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.data.categories.map((c) => (
                  <tr key={c.category}>
                    <th scope="row">
                      {c.description}
                      {c.skipped && (
                        <span className="field-hint">
                          {' '}
                          · {t(`privacyRetention.skipped.${c.skipped}`, { defaultValue: c.skipped })}
                        </span>
                      )}
                    </th>
                    <td>{period(c.days)}</td>
                    <td className="num">{c.dueNow}</td>
                    <td className="num">{c.dueWithin}</td>
                    <td className="num">{c.patients ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LastRun
            run={report.data.lastRun}
            dateTime={fmt.dateTime}
            names={
              new Map([
                ...report.data.categories.map((c) => [c.category, c.description] as const),
                ['patient_details', t('privacyRetention.patientDetails')] as const,
              ])
            }
          />
        </>
      )}
    </section>
  );
}

function LastRun({
  run,
  dateTime,
  names,
}: {
  run: RetentionRun | null;
  dateTime: (iso: string) => string;
  names: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  if (!run) return <p>{t('privacyRetention.neverRun')}</p>;
  const purged = run.results.filter((r) => r.count > 0);
  return (
    <div>
      <h3>{t('privacyRetention.lastRunTitle')}</h3>
      <p>{t('privacyRetention.lastRun', { when: dateTime(run.finishedAt), count: run.purged })}</p>
      {purged.length > 0 && (
        <ul>
          {purged.map((r) => (
            <li key={r.category}>
              {t('privacyRetention.purgedItem', { category: names.get(r.category) ?? r.category, count: r.count })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RetentionRunsSection({ practiceId }: { practiceId: string }) {
  const { t } = useTranslation();
  const runs = useRetentionRuns(practiceId);
  const settings = useRetentionSettings(practiceId);
  const names = new Map([
    ...(settings.data?.rules ?? []).map((r) => [r.category, r.description] as const),
    ['patient_details', t('privacyRetention.patientDetails')] as const,
  ]);
  const practice = usePractice(practiceId);
  const fmt = useDateFormat(practice.data?.timeZone);
  if (runs.isPending) return <Loading />;
  if (runs.isError) return <ErrorAlert error={runs.error} />;
  if (runs.data.items.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="retention-runs-title">
      <h2 id="retention-runs-title">{t('privacyRetention.runsTitle')}</h2>
      <div className="table-wrap">
        <table className="list-table">
          <thead>
            <tr>
              <th scope="col">{t('privacyRetention.runAt')}</th>
              <th scope="col">{t('privacyRetention.runKind')}</th>
              <th scope="col" className="num">
                {t('privacyRetention.runPurged')}
              </th>
              <th scope="col">{t('privacyRetention.runDetail')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.items.map((run) => (
              <tr key={run.id}>
                <td>{fmt.dateTime(run.finishedAt)}</td>
                <td>{run.dryRun ? t('privacyRetention.dryRun') : t('privacyRetention.realRun')}</td>
                <td className="num">{run.purged}</td>
                <td>
                  {run.results
                    .filter((r) => r.count > 0)
                    .map((r) => `${names.get(r.category) ?? r.category}: ${r.count}`)
                    .join(', ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
