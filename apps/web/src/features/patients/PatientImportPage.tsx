import {
  PATIENT_IMPORT_FIELDS,
  type PatientImportEncoding,
  type PatientImportMapping,
  type PatientImportProblem,
  type PatientImportProgress,
  type PatientImportReport,
} from '@dentalpro/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField } from '../../components/Field';
import { useCurrentPractice } from '../shell/AppShell';
import { runPatientImport } from './patient-import.api';
import { RejectedRowsDownload } from './RejectedRowsDownload';

/** Rejected rows shown on the page; the report counts them all. */
const SHOWN_PROBLEMS = 200;

/**
 * Settings → Import: choose a CSV file → it is checked (a dry run) → match its columns to
 * fields, seeing example values → read the report (rows ready, rejected rows and why, likely
 * duplicates) → import, all rows or none (or leaving the rejected out) → the result.
 */
export function PatientImportPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const queryClient = useQueryClient();
  const fileInputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<PatientImportEncoding>('utf-8');
  /** The person's choices, by column position ('#3'); the others are mapped by their header. */
  const [mapping, setMapping] = useState<PatientImportMapping>({});
  const [report, setReport] = useState<PatientImportReport | null>(null);
  const [mappingChanged, setMappingChanged] = useState(false);
  const [skipRejected, setSkipRejected] = useState(false);
  const [running, setRunning] = useState<'check' | 'import' | null>(null);
  const [progress, setProgress] = useState<PatientImportProgress | null>(null);
  const [imported, setImported] = useState<PatientImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  if (!can('patients:import')) return <Alert tone="warning">{t('patientImport.notAllowed')}</Alert>;

  async function run(dryRun: boolean) {
    if (!file) return;
    setRunning(dryRun ? 'check' : 'import');
    setProgress(null);
    setError(null);
    try {
      const result = await runPatientImport(practiceId, { file, encoding, mapping, dryRun, skipRejected }, setProgress);
      if (dryRun) {
        setReport(result);
        setMappingChanged(false);
      } else {
        setImported(result);
        void queryClient.invalidateQueries({ queryKey: ['patients', practiceId] });
      }
    } catch (err) {
      setError(err);
      // Refused for its rows: the fresh report says which.
      const refused = isApiError(err) ? (err.extra.report as PatientImportReport | undefined) : undefined;
      if (refused) setReport(refused);
    } finally {
      setRunning(null);
      // Where the answer is: the result, the columns to check, or the error.
      requestAnimationFrame(() => (resultRef.current ?? document.getElementById('import-mapping-title'))?.focus());
    }
  }

  function chooseFile(next: File | null) {
    setFile(next);
    setMapping({});
    setReport(null);
    setImported(null);
    setError(null);
    setSkipRejected(false);
  }

  function startOver() {
    chooseFile(null);
    setProgress(null);
    setEncoding('utf-8');
  }

  const onCheck = (e: FormEvent) => {
    e.preventDefault();
    void run(true);
  };

  if (imported) {
    return (
      <div className="stack-lg import-page" ref={resultRef} tabIndex={-1}>
        <ImportProgress
          progress={{ phase: 'importing', done: imported.importedRows, total: imported.importedRows }}
          finished
        />
        <Alert tone="success" title={t('patientImport.imported', { count: imported.importedRows })}>
          {imported.rejectedRows > 0 && <p>{t('patientImport.importedLeftOut', { count: imported.rejectedRows })}</p>}
          {imported.duplicateCount > 0 && (
            <p>{t('patientImport.importedDuplicates', { count: imported.duplicateCount })}</p>
          )}
        </Alert>
        <RejectedRowsDownload report={imported} />
        <div className="actions">
          <Link className="button button-primary" to={`/app/${practiceId}/patients`}>
            {t('patientImport.openPatients')}
          </Link>
          <Button onClick={startOver}>{t('patientImport.another')}</Button>
        </div>
      </div>
    );
  }

  const canImport =
    report !== null &&
    !mappingChanged &&
    report.mappingProblems.length === 0 &&
    report.validRows > 0 &&
    (report.rejectedRows === 0 || skipRejected) &&
    running === null;

  return (
    <div className="stack-lg import-page">
      <section className="card form-card" aria-labelledby="import-file-title">
        <h2 id="import-file-title">{t('patientImport.fileTitle')}</h2>
        <p className="muted">{t('patientImport.fileHelp')}</p>
        <form className="stack" onSubmit={onCheck}>
          <div className="field">
            <label htmlFor={fileInputId}>{t('patientImport.file')}</label>
            <input
              id={fileInputId}
              type="file"
              accept=".csv,.txt,text/csv"
              onChange={(e) => chooseFile(e.target.files?.[0] ?? null)}
              disabled={running !== null}
            />
          </div>
          <SelectField
            label={t('patientImport.encoding')}
            hint={t('patientImport.encodingHint')}
            value={encoding}
            onChange={(e) => {
              setEncoding(e.target.value as PatientImportEncoding);
              // The file reads differently now: check it again from the start.
              setReport(null);
              setMapping({});
            }}
            disabled={running !== null}
          >
            <option value="utf-8">{t('patientImport.encodings.utf-8')}</option>
            <option value="windows-1252">{t('patientImport.encodings.windows-1252')}</option>
          </SelectField>
          <div className="actions">
            <Button
              type="submit"
              variant={report ? 'secondary' : 'primary'}
              disabled={!file}
              busy={running === 'check'}
            >
              {report ? t('patientImport.checkAgain') : t('patientImport.check')}
            </Button>
          </div>
        </form>
      </section>

      {running && <ImportProgress progress={progress} />}
      <div className="stack-lg">
        {error ? (
          <div ref={resultRef} tabIndex={-1}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        {report && (
          <>
            <ColumnMapping
              report={report}
              mapping={mapping}
              onChange={(position, field) => {
                setMapping((m) => ({ ...m, [`#${position}`]: field }));
                setMappingChanged(true);
              }}
              disabled={running !== null}
            />
            {mappingChanged ? (
              <Alert tone="info" title={t('patientImport.mappingChanged')}>
                <Button onClick={() => void run(true)} busy={running === 'check'}>
                  {t('patientImport.checkAgain')}
                </Button>
              </Alert>
            ) : (
              report.mappingProblems.length === 0 && <CheckResult report={report} practiceId={practiceId} />
            )}
            {!mappingChanged && report.mappingProblems.length === 0 && report.validRows > 0 && (
              <section className="card form-card stack" aria-labelledby="import-go-title">
                <h2 id="import-go-title">{t('patientImport.importTitle')}</h2>
                <p className="muted">{t('patientImport.allOrNothing')}</p>
                {report.rejectedRows > 0 && (
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={skipRejected}
                      onChange={(e) => setSkipRejected(e.target.checked)}
                      disabled={running !== null}
                    />
                    {t('patientImport.skipRejected', { count: report.rejectedRows })}
                  </label>
                )}
                <div className="actions">
                  <Button
                    variant="primary"
                    onClick={() => void run(false)}
                    disabled={!canImport}
                    busy={running === 'import'}
                  >
                    {t('patientImport.importButton', { count: report.validRows })}
                  </Button>
                </div>
                {report.rejectedRows > 0 && !skipRejected && (
                  <p className="field-hint">{t('patientImport.rejectedBlock')}</p>
                )}
              </section>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function ImportProgress({
  progress,
  finished = false,
}: {
  progress: PatientImportProgress | null;
  finished?: boolean;
}) {
  const { t } = useTranslation();
  const percent = progress && progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 0;
  const label = finished
    ? t('patientImport.phases.done')
    : progress
      ? t(`patientImport.phases.${progress.phase}`)
      : t('patientImport.phases.sending');
  const counts =
    progress && progress.phase !== 'reading'
      ? t('patientImport.progressCount', { done: progress.done, total: progress.total })
      : '';
  return (
    <div className="import-progress card">
      <p className="import-progress-label" id="import-progress-label">
        {label} {counts && <span className="muted">{counts}</span>}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {label}
      </p>
      <div
        className="progress-bar"
        role="progressbar"
        aria-labelledby="import-progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %`}
      >
        <div className="progress-bar-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

function ColumnMapping({
  report,
  mapping,
  onChange,
  disabled,
}: {
  report: PatientImportReport;
  mapping: PatientImportMapping;
  onChange: (position: number, field: PatientImportMapping[string]) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section className="stack" aria-labelledby="import-mapping-title">
      <h2 id="import-mapping-title" tabIndex={-1}>
        {t('patientImport.mappingTitle')}
      </h2>
      <p className="muted">{t('patientImport.mappingHelp')}</p>
      {report.mappingProblems.length > 0 && (
        <Alert tone="warning" title={t('patientImport.mappingProblems')}>
          <ul>
            {report.mappingProblems.map((p) => (
              <li key={`${p.code}-${p.field}`}>
                {p.code === 'missing_field'
                  ? t('patientImport.missingField', { field: t(`patientImport.fields.${p.field}`) })
                  : t('patientImport.severalColumns', {
                      field: t(`patientImport.fields.${p.field}`),
                      columns: p.columns.join(', '),
                    })}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      <div className="table-wrap">
        <table className="import-mapping">
          <thead>
            <tr>
              <th scope="col">{t('patientImport.column')}</th>
              <th scope="col">{t('patientImport.examples')}</th>
              <th scope="col">{t('patientImport.field')}</th>
            </tr>
          </thead>
          <tbody>
            {report.columns.map((c) => {
              const name = c.header || `#${c.position}`;
              const examples = report.preview
                .map((row) => row[c.position - 1] ?? '')
                .filter(Boolean)
                .slice(0, 3);
              const value = mapping[`#${c.position}`] ?? c.field ?? 'ignore';
              return (
                <tr key={c.position}>
                  <th scope="row">{name}</th>
                  <td className="import-examples">
                    {examples.length ? (
                      examples.join(' · ')
                    ) : (
                      <span className="muted">{t('patientImport.noExamples')}</span>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={t('patientImport.fieldFor', { column: name })}
                      value={value}
                      disabled={disabled}
                      onChange={(e) => onChange(c.position, e.target.value as PatientImportMapping[string])}
                    >
                      <option value="ignore">{t('patientImport.ignore')}</option>
                      {PATIENT_IMPORT_FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {t(`patientImport.fields.${f}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CheckResult({ report, practiceId }: { report: PatientImportReport; practiceId: string }) {
  const { t } = useTranslation();
  const problems = report.rejected
    .flatMap((r) => r.problems.map((p, i) => ({ row: r.row, first: i === 0, problem: p })))
    .slice(0, SHOWN_PROBLEMS);
  const listedRows = new Set(problems.map((p) => p.row)).size;
  return (
    <section className="stack" aria-labelledby="import-report-title">
      <h2 id="import-report-title">{t('patientImport.reportTitle')}</h2>
      <dl className="summary import-summary">
        <div>
          <dt>{t('patientImport.totalRows')}</dt>
          <dd>{t('patientImport.number', { value: report.totalRows })}</dd>
        </div>
        <div>
          <dt>{t('patientImport.validRows')}</dt>
          <dd>{t('patientImport.number', { value: report.validRows })}</dd>
        </div>
        <div>
          <dt>{t('patientImport.rejectedRows')}</dt>
          <dd>{t('patientImport.number', { value: report.rejectedRows })}</dd>
        </div>
        <div>
          <dt>{t('patientImport.likelyDuplicates')}</dt>
          <dd>{t('patientImport.number', { value: report.duplicateCount })}</dd>
        </div>
      </dl>

      {report.rejectedRows === 0 ? (
        <Alert tone="success" title={t('patientImport.allValid', { count: report.validRows })} />
      ) : (
        <>
          <h3>{t('patientImport.rejectedTitle')}</h3>
          <div className="table-wrap">
            <table className="import-problems">
              <caption className="visually-hidden">{t('patientImport.rejectedTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('patientImport.row')}</th>
                  <th scope="col">{t('patientImport.column')}</th>
                  <th scope="col">{t('patientImport.value')}</th>
                  <th scope="col">{t('patientImport.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map(({ row, first, problem }, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a row can have several problems; the report is fixed once the check has run.
                  <tr key={`${row}-${i}`}>
                    <th scope="row">{first ? row : <span className="visually-hidden">{row}</span>}</th>
                    <td>{problem.column ?? '—'}</td>
                    <td className="mono">{problem.value || '—'}</td>
                    <td>
                      <ProblemText problem={problem} practiceId={practiceId} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.rejectedRows > listedRows && (
            <p className="muted">{t('patientImport.moreRejected', { count: report.rejectedRows - listedRows })}</p>
          )}
          <RejectedRowsDownload report={report} />
        </>
      )}

      {report.duplicates.length > 0 && (
        <>
          <h3>{t('patientImport.duplicatesTitle')}</h3>
          <p className="muted">{t('patientImport.duplicatesHelp')}</p>
          <div className="table-wrap">
            <table className="import-duplicates">
              <thead>
                <tr>
                  <th scope="col">{t('patientImport.row')}</th>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('patientImport.maybeSameAs')}</th>
                  <th scope="col">{t('patientImport.why')}</th>
                </tr>
              </thead>
              <tbody>
                {report.duplicates.slice(0, SHOWN_PROBLEMS).map((d) => (
                  <tr key={d.row}>
                    <th scope="row">{d.row}</th>
                    <td>{d.name}</td>
                    <td>
                      {d.patient ? (
                        <Link
                          to={`/app/${practiceId}/patients/${d.patient.id}`}
                        >{`${d.patient.givenName} ${d.patient.familyName}`}</Link>
                      ) : (
                        t('patientImport.rowN', { row: d.sameAsRow })
                      )}
                    </td>
                    <td>{t(`patientImport.reasons.${d.reason}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.duplicateCount > SHOWN_PROBLEMS && (
            <p className="muted">
              {t('patientImport.moreDuplicates', { count: report.duplicateCount - SHOWN_PROBLEMS })}
            </p>
          )}
        </>
      )}
    </section>
  );
}

function ProblemText({ problem, practiceId }: { problem: PatientImportProblem; practiceId: string }) {
  const { t } = useTranslation();
  if (problem.code === 'duplicate_on_file' && problem.patient) {
    return (
      <>
        {t('patientImport.problems.duplicate_on_file')}{' '}
        <Link
          to={`/app/${practiceId}/patients/${problem.patient.id}`}
        >{`${problem.patient.givenName} ${problem.patient.familyName}`}</Link>
      </>
    );
  }
  return (
    <>
      {t(`patientImport.problems.${problem.code}`, {
        row: problem.sameAsRow,
        field: problem.field ? t(`patientImport.fields.${problem.field}`) : '',
      })}
    </>
  );
}
