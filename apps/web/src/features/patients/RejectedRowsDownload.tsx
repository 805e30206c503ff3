import { type PatientImportReport, rejectedRowsCsv } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';

/** "export.csv" → "export-rejected.csv". */
export function rejectedFileName(fileName: string): string {
  const stem = fileName.replace(/\.[^./\\]*$/, '').trim();
  return `${stem || 'patients'}-rejected.csv`;
}

/**
 * The rejected rows as a CSV file to correct and import again. The report carries each rejected
 * row's cells, so the file is built here, in the browser, by the same function as the CLI's
 * --rejected; with a UTF-8 byte-order mark so Excel shows accents right.
 */
export function RejectedRowsDownload({ report }: { report: PatientImportReport }) {
  const { t } = useTranslation();
  if (report.rejected.length === 0) return null;

  function download() {
    const blob = new Blob([rejectedRowsCsv(report, { byteOrderMark: true })], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = rejectedFileName(report.fileName);
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked once the browser has started the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  return (
    <div className="stack">
      <div className="actions">
        <Button onClick={download}>{t('patientImport.downloadRejected')}</Button>
      </div>
      <p className="field-hint">{t('patientImport.downloadRejectedHelp')}</p>
      {report.rejected.length < report.rejectedRows && (
        <p className="muted">
          {t('patientImport.downloadRejectedPartial', { listed: report.rejected.length, count: report.rejectedRows })}
        </p>
      )}
    </div>
  );
}
