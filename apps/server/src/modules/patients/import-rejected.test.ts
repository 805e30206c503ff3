import { REJECTED_ROWS_REASON_HEADER, rejectedRowsCsv, type PatientImportReport } from '@dentalpro/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCsv, readCsv } from './import-file.js';
import { checkRow, mapColumns } from './import.js';

/** The file of rejected rows read back by the import's own reader: what Excel shows, our import sees. */
async function readBack(csv: string) {
  const { text, encoding } = decodeCsv(new TextEncoder().encode(csv));
  return readCsv(text, encoding);
}

const columnsOf = (header: string[]): PatientImportReport['columns'] =>
  header.map((h, i) => ({ position: i + 1, header: h, field: null, automatic: true }));

describe('the file of rejected rows', () => {
  it('reads back cell for cell, whatever the cells hold (delimiters, quotes, line breaks, accents)', async () => {
    const headerCell = fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 ]{0,11}$/).map((s) => s.trim());
    const cell = fc
      .string({
        unit: fc.constantFrom('a', 'é', 'ç', 'Ô', ' ', ',', ';', '|', '\t', '"', '\n', '\r\n', '1', '+', '’'),
        maxLength: 12,
      })
      .map((s) => s.trim());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(',', ';', '\t', '|'),
        fc.array(headerCell, { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(cell, { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        async (delimiter, header, rows) => {
          const rejected = rows.map((cells, i) => ({
            row: i + 2,
            cells,
            problems: [
              {
                code: 'invalid' as const,
                column: null,
                field: null,
                value: '',
                message: `Problem, "quoted"; on row ${i + 2}`,
              },
            ],
          }));
          const table = await readBack(
            rejectedRowsCsv({ delimiter, columns: columnsOf(header), rejected }, { byteOrderMark: true }),
          );
          expect(table.delimiter).toBe(delimiter);
          expect(table.header).toEqual([...header, REJECTED_ROWS_REASON_HEADER]);
          expect(table.rows.map((r) => r.cells)).toEqual(
            rows.map((cells, i) => [
              ...header.map((_, c) => cells[c] ?? ''),
              `Row ${i + 2}: invalid: Problem, "quoted"; on row ${i + 2}`,
            ]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('imports again once corrected: its reasons column is ignored and the rows are checked as before', async () => {
    const header = ['Nom', 'Prénom', 'Date de naissance', 'Portable'];
    const { columns } = mapColumns(header);
    const bad = checkRow(3, ['Bégué', 'Hélène', '31/02/1990', '5712 3456'], columns, '2026-11-25');
    expect(bad.problems.map((p) => p.code)).toEqual(['date_invalid']);
    const csv = rejectedRowsCsv(
      { delimiter: ';', columns, rejected: [{ row: bad.row, cells: bad.cells, problems: bad.problems }] },
      { byteOrderMark: true },
    );
    expect(csv.split('\r\n')[1]).toBe(
      'Bégué;Hélène;31/02/1990;5712 3456;"Row 3: date_invalid (Date de naissance): ""31/02/1990"" is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (day before month)"',
    );

    // The person corrects the date in the cell (the first 31/02/1990 of the line) and imports the file.
    const corrected = await readBack(csv.replace('31/02/1990', '28/02/1990'));
    const mapped = mapColumns(corrected.header);
    expect(mapped.columns.map((c) => c.field)).toEqual(['familyName', 'givenName', 'dateOfBirth', 'phone', null]);
    expect(mapped.problems).toEqual([]);
    const again = checkRow(corrected.rows[0]!.row, corrected.rows[0]!.cells, mapped.columns, '2026-11-25');
    expect(again.problems).toEqual([]);
    expect(again.patient?.row).toMatchObject({ givenName: 'Hélène', familyName: 'Bégué', dateOfBirth: '1990-02-28' });
  });
});
