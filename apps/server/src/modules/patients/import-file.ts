import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PatientImportEncoding, PatientImportReport } from '@dentalpro/contracts';
import { parse } from 'csv-parse';
import { AppError } from '../../platform/errors.js';

/**
 * A CSV file from another practice system, as rows of cells: its bytes decoded (UTF-8 unless
 * told, UTF-16 by its byte-order mark), the delimiter found from the header line, quotes and
 * line breaks inside quotes handled by csv-parse.
 */

export interface CsvTable {
  encoding: PatientImportReport['encoding'];
  delimiter: string;
  header: string[];
  /** Data rows (blank ones left out), each with its spreadsheet row number (the header is row 1). */
  rows: { row: number; cells: string[] }[];
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
const CHUNK_CHARS = 256 * 1024;

/** The file as text. Bytes that are not valid in the encoding are refused, never guessed at. */
export function decodeCsv(
  bytes: Uint8Array,
  encoding?: PatientImportEncoding,
): { text: string; encoding: CsvTable['encoding'] } {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw new AppError('import_file_invalid', {
      detail: 'This is a spreadsheet workbook (.xlsx or .ods), not a CSV file: save it as CSV first',
    });
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: strictDecode(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: strictDecode(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const chosen = encoding ?? 'utf-8';
  const text = strictDecode(body, chosen);
  if (text.includes('\u0000'))
    throw new AppError('import_file_invalid', {
      detail: 'The file holds binary data, not text: export it from the other system as CSV',
    });
  return { text, encoding: chosen };
}

function strictDecode(bytes: Uint8Array, encoding: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('import_encoding_invalid', {
      detail:
        encoding === 'utf-8'
          ? 'The file is not UTF-8 text. Save it as "CSV UTF-8", or choose the Windows (Western European) encoding if it comes from an older system'
          : `The file is not valid ${encoding} text`,
    });
  }
}

/** The delimiter that splits the header line most: ',' ';' tab or '|' (quoted text does not count). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * Rows of cells, trimmed. Fed to the parser in slices so a large file neither blocks the event
 * loop nor goes without progress (`onProgress(charactersRead, totalCharacters)`).
 */
export async function readCsv(
  text: string,
  encoding: CsvTable['encoding'],
  onProgress?: (done: number, total: number) => void,
): Promise<CsvTable> {
  const delimiter = detectDelimiter(text);
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: 1024 * 1024,
  });
  let fed = 0;
  async function* slices() {
    for (let at = 0; at < text.length; at += CHUNK_CHARS) {
      const slice = text.slice(at, at + CHUNK_CHARS);
      fed += slice.length;
      yield slice;
    }
  }
  const source = Readable.from(slices());
  source.pipe(parser);
  const records: string[][] = [];
  try {
    let sinceTurn = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      records.push(record.map((cell) => cell.trim()));
      if (++sinceTurn === 5000) {
        sinceTurn = 0;
        onProgress?.(fed, text.length);
        await nextTurn();
      }
    }
  } catch (err) {
    source.destroy();
    throw brokenFile(err);
  }
  onProgress?.(text.length, text.length);
  const [header, ...body] = records;
  if (!header || header.every((h) => h === ''))
    throw new AppError('import_file_invalid', { detail: 'The file is empty: the first row must name the columns' });
  const rows: CsvTable['rows'] = [];
  body.forEach((cells, i) => {
    if (cells.some((c) => c !== '')) rows.push({ row: i + 2, cells });
  });
  if (rows.length === 0)
    throw new AppError('import_file_invalid', { detail: 'The file has column names but no rows of patients' });
  return { encoding, delimiter, header, rows };
}

function brokenFile(err: unknown): AppError {
  const e = err as { code?: string; lines?: number; message?: string };
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new AppError('import_file_invalid', {
      detail: `A quote opened near line ${e.lines ?? '?'} is never closed, so the rest of the file cannot be read`,
    });
  }
  if (e.code === 'CSV_MAX_RECORD_SIZE')
    return new AppError('import_file_invalid', {
      detail: `A row near line ${e.lines ?? '?'} is larger than 1 MB: the file is not a patient list`,
    });
  if (typeof e.code === 'string' && e.code.startsWith('CSV_'))
    return new AppError('import_file_invalid', {
      detail: `The file cannot be read as CSV near line ${e.lines ?? '?'}: ${e.message}`,
    });
  return err instanceof AppError ? err : new AppError('import_file_invalid', { detail: String(e.message ?? err) });
}
