import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type {
  PatientImportEncoding,
  PatientImportMapping,
  PatientImportMappingProblem,
  PatientImportProgress,
  PatientImportReport,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { SIMILAR_NAME } from './duplicates.js';
import { type CsvTable, decodeCsv, readCsv } from './import-file.js';
import { type DuplicateFindings, findDuplicates } from './import-duplicates.js';
import { type CheckedRow, type PreparedPatient, checkRow, mapColumns } from './import.js';
import {
  type NewPatient,
  addNameVocabulary,
  analysePatientTables,
  insertNewPatients,
  lockPatientImports,
  refreshNameWordCounts,
  selectImportMatches,
} from './patients.repository.js';
import { searchWords } from './search.js';

/**
 * Import from another practice system: read the CSV → map its columns → check every row →
 * find duplicates (in the file and on file) → report. Unless it is a dry run: in one
 * transaction, duplicates found again (another import may have just added these people), then
 * every valid row inserted and audited — all or nothing.
 */

export interface ImportPatientsInput {
  actor: Actor;
  practiceId: string;
  /** The file's bytes, or its text. */
  file: Uint8Array | string;
  fileName?: string;
  encoding?: PatientImportEncoding;
  mapping?: PatientImportMapping;
  dryRun: boolean;
  /** Import the valid rows even when some are rejected; otherwise one rejected row stops the import. */
  skipRejected?: boolean;
  onProgress?: (progress: PatientImportProgress) => void;
  /** Aborting (the browser went away) stops the import and rolls it back. */
  signal?: AbortSignal;
  /**
   * How many rejected rows (with their cells: the web builds the file of rejected rows from
   * them) and duplicates the report lists; all are counted. LIST_LIMIT unless told.
   */
  listLimit?: number;
}

const CHECK_BATCH = 2000;
const INSERT_BATCH = 2000;
const PREVIEW_ROWS = 5;
/** Enough for any file worth correcting by hand, and a report of a few MB at most. */
const LIST_LIMIT = 10_000;
/** Imports this large need the query planner to look at the tables again (see insertPatients). */
const ANALYSE_AFTER = 1000;

export async function importPatients(ctx: AppContext, input: ImportPatientsInput): Promise<PatientImportReport> {
  requirePermission(input.actor, 'patients:import');
  const progress = input.onProgress ?? (() => {});
  const table = await readTable(input, progress);
  const { columns, problems: mappingProblems } = mapColumns(table.header, input.mapping);
  const report: PatientImportReport = {
    dryRun: input.dryRun,
    status: 'checked',
    fileName: input.fileName ?? '',
    encoding: table.encoding,
    delimiter: table.delimiter,
    columns,
    mappingProblems,
    preview: table.rows.slice(0, PREVIEW_ROWS).map((r) => table.header.map((_, i) => r.cells[i] ?? '')),
    totalRows: table.rows.length,
    validRows: 0,
    rejectedRows: 0,
    importedRows: 0,
    rejected: [],
    duplicates: [],
    duplicateCount: 0,
  };
  if (mappingProblems.length) {
    if (input.dryRun) return report;
    throw refusal('import_mapping_invalid', describeMappingProblems(mappingProblems), report);
  }

  const checked = await checkRows(table, columns, progress, input.signal);
  const listLimit = input.listLimit ?? LIST_LIMIT;
  const refusedAnyway = checked.some((c) => c.problems.length > 0) && !input.skipRejected;
  if (input.dryRun || refusedAnyway) {
    const duplicates = await inPractice(ctx.db, input.practiceId, (tx) =>
      findDuplicatesIn(tx, input.practiceId, checked),
    );
    summarise(report, checked, duplicates, listLimit);
    if (input.dryRun) return report;
    throw rowsRejected(report);
  }
  await insertPatients(ctx, input, checked, report, progress);
  return report;
}

/** reading: bytes → text → rows of cells. */
async function readTable(
  input: ImportPatientsInput,
  progress: NonNullable<ImportPatientsInput['onProgress']>,
): Promise<CsvTable> {
  const { text, encoding } =
    typeof input.file === 'string'
      ? { text: input.file.replace(/^\uFEFF/, ''), encoding: 'utf-8' as const }
      : decodeCsv(input.file, input.encoding);
  return readCsv(text, encoding, (done, total) => progress({ phase: 'reading', done, total }));
}

/** checking: every row, in batches that let the server answer others (and the browser hear progress). */
async function checkRows(
  table: CsvTable,
  columns: PatientImportReport['columns'],
  progress: NonNullable<ImportPatientsInput['onProgress']>,
  signal?: AbortSignal,
): Promise<CheckedRow[]> {
  const today = new Date().toISOString().slice(0, 10);
  const checked: CheckedRow[] = [];
  const total = table.rows.length;
  progress({ phase: 'checking', done: 0, total });
  for (let at = 0; at < total; at += CHECK_BATCH) {
    signal?.throwIfAborted();
    for (const { row, cells } of table.rows.slice(at, at + CHECK_BATCH))
      checked.push(checkRow(row, cells, columns, today));
    progress({ phase: 'checking', done: Math.min(total, at + CHECK_BATCH), total });
    await nextTurn();
  }
  return checked;
}

/** duplicates: one query for birth dates and one for phones, whatever the size of the file. */
async function findDuplicatesIn(tx: Tx, practiceId: string, checked: CheckedRow[]): Promise<DuplicateFindings> {
  const people = checked.flatMap(({ row, patient, displayName }) =>
    patient
      ? [
          {
            row,
            displayName,
            sortName: patient.row.sortName,
            searchName: patient.row.searchName,
            dateOfBirth: patient.row.dateOfBirth,
            phones: patient.phones.map((p) => p.e164),
          },
        ]
      : [],
  );
  if (!(await practiceFactsIn(tx, practiceId))) throw new AppError('practice_not_found');
  return findDuplicates(people, await selectImportMatches(tx, people, SIMILAR_NAME));
}

/** Fills the report's counts and lists (once per run: it adds duplicates to the rows' problems); returns the rows to import. */
function summarise(
  report: PatientImportReport,
  checked: CheckedRow[],
  duplicates: DuplicateFindings,
  listLimit: number,
): PreparedPatient[] {
  const valid: PreparedPatient[] = [];
  for (const c of checked) {
    const duplicate = duplicates.same.get(c.row);
    if (duplicate) c.problems.push(duplicate);
    if (c.problems.length === 0 && c.patient) {
      valid.push(c.patient);
      continue;
    }
    report.rejectedRows++;
    if (report.rejected.length < listLimit) report.rejected.push({ row: c.row, problems: c.problems, cells: c.cells });
  }
  report.validRows = valid.length;
  report.duplicateCount = duplicates.likely.length;
  report.duplicates = duplicates.likely.slice(0, listLimit);
  return valid;
}

/**
 * importing: the new name words first (their own short transaction, so a patient created
 * meanwhile with one of these names does not wait on their locks; a word left behind by a
 * failed import costs nothing). Then one transaction: this practice's imports one at a time,
 * duplicates looked for again (another import may have just added these people), every
 * patient inserted, the audit event.
 */
async function insertPatients(
  ctx: AppContext,
  input: ImportPatientsInput,
  checked: CheckedRow[],
  report: PatientImportReport,
  progress: NonNullable<ImportPatientsInput['onProgress']>,
) {
  const candidates = checked.flatMap((c) => (c.patient ? [c.patient] : []));
  const large = candidates.length >= ANALYSE_AFTER;
  // A connection that checked foreign keys while the tables were tiny keeps a plan that scans
  // them; fed thousands of rows it turns quadratic. Fresh statistics make every connection
  // plan again (after our first batch, with indexes), and after the import they help search.
  if (large) await analysePatientTables(ctx.db);
  await inPractice(ctx.db, input.practiceId, (tx) =>
    addNameVocabulary(
      tx,
      input.practiceId,
      candidates.flatMap((p) => searchWords(p.row.searchName)),
    ),
  );
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    await lockPatientImports(tx, input.practiceId);
    const valid = summarise(
      report,
      checked,
      await findDuplicatesIn(tx, input.practiceId, checked),
      input.listLimit ?? LIST_LIMIT,
    );
    if ((report.rejectedRows > 0 && !input.skipRejected) || valid.length === 0) throw rowsRejected(report);
    const patients: NewPatient[] = valid.map((p) => ({ id: randomUUID(), row: p.row, phones: p.phones }));
    const total = patients.length;
    progress({ phase: 'importing', done: 0, total });
    for (let at = 0; at < total; at += INSERT_BATCH) {
      input.signal?.throwIfAborted();
      await insertNewPatients(tx, input.practiceId, patients.slice(at, at + INSERT_BATCH), 'import');
      progress({ phase: 'importing', done: Math.min(total, at + INSERT_BATCH), total });
    }
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'patients.imported',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: {
        count: total,
        rows: report.totalRows,
        rejectedRows: report.rejectedRows,
        likelyDuplicates: report.duplicateCount,
      },
    });
    report.importedRows = total;
  });
  if (large) await analysePatientTables(ctx.db);
  // Search picks the index of the rarest word typed by these counts: the new names count at once.
  await refreshNameWordCounts(ctx.db, input.practiceId);
  report.status = 'imported';
}

function rowsRejected(report: PatientImportReport) {
  const detail =
    report.validRows === 0
      ? 'No row of the file can be imported'
      : `${report.rejectedRows} of ${report.totalRows} rows are rejected, so nothing was imported. Correct them, or import the other rows without them.`;
  return refusal('import_rows_rejected', detail, report);
}

/** Nothing was written; the report says why, row by row. */
function refusal(code: 'import_rows_rejected' | 'import_mapping_invalid', detail: string, report: PatientImportReport) {
  return new AppError(code, { detail, extra: { report: { ...report, status: 'refused' } } });
}

const FIELD_WORDS: Record<string, string> = { givenName: 'the given name', familyName: 'the family name' };

function describeMappingProblems(problems: PatientImportMappingProblem[]): string {
  return problems
    .map((p) =>
      p.code === 'missing_field'
        ? `No column is mapped to ${FIELD_WORDS[p.field] ?? p.field} (map one, or a full-name column)`
        : `Several columns are mapped to ${p.field}: ${p.columns.join(', ')}`,
    )
    .join('; ');
}
