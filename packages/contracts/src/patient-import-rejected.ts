import type { PatientImportProblem, PatientImportReport } from './patients.js';

/**
 * The rejected rows of a patient import as a CSV file to correct and import again: the file's
 * own header and cells, in its own delimiter, and a last column giving each row's number in the
 * original file and its problems (stable code, then the English message; the web translates
 * codes on screen, not in the file). Built from the report alone, so the server (CLI) and the
 * browser write the same file.
 */

/** The added column. No import field has this name, so importing the corrected file ignores it. */
export const REJECTED_ROWS_REASON_HEADER = 'Import problems (row: reasons)';

const DELIMITERS = new Set([',', ';', '\t', '|']);

export interface RejectedRowsCsvOptions {
  /** Start with a UTF-8 byte-order mark, so Excel reads accents right (our import skips it). */
  byteOrderMark?: boolean;
}

export function rejectedRowsCsv(
  report: Pick<PatientImportReport, 'columns' | 'delimiter' | 'rejected'>,
  options: RejectedRowsCsvOptions = {},
): string {
  const delimiter = DELIMITERS.has(report.delimiter) ? report.delimiter : ',';
  const headers = [...report.columns].sort((a, b) => a.position - b.position).map((c) => c.header);
  // A file that was itself a rejected-rows file: its old reasons give way to the new ones.
  const kept = headers.flatMap((h, i) => (h === REJECTED_ROWS_REASON_HEADER ? [] : [i]));
  const line = (cells: string[]) => cells.map((cell) => csvCell(cell, delimiter)).join(delimiter);
  const lines = [line([...kept.map((i) => headers[i]!), REJECTED_ROWS_REASON_HEADER])];
  for (const r of report.rejected) {
    lines.push(line([...kept.map((i) => r.cells[i] ?? ''), rejectionReason(r.row, r.problems)]));
  }
  return `${options.byteOrderMark ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** "Row 4: phone_invalid (Portable): "12" is not a valid phone number ...; duplicate_on_file: ..." */
export function rejectionReason(row: number, problems: PatientImportProblem[]): string {
  const described = problems.map((p) => {
    const where = p.column ? ` (${p.column})` : '';
    // The extra cells are not in the row's columns any more: name them here.
    const extra = p.code === 'extra_cells' && p.value ? `: ${p.value}` : '';
    return `${p.code}${where}: ${p.message}${extra}`;
  });
  return `Row ${row}: ${described.join('; ')}`;
}

/** RFC 4180: quoted when it holds the delimiter, a quote, a line break or edge spaces; quotes doubled. */
export function csvCell(value: string, delimiter = ','): string {
  const needsQuotes = value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}
