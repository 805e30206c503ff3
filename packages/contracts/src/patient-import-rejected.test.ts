import { describe, expect, it } from 'vitest';
import { REJECTED_ROWS_REASON_HEADER, csvCell, rejectedRowsCsv, rejectionReason } from './patient-import-rejected.js';
import type { PatientImportProblem, PatientImportReport } from './patients.js';

const problem = (
  p: Partial<PatientImportProblem> & Pick<PatientImportProblem, 'code' | 'message'>,
): PatientImportProblem => ({ column: null, field: null, value: '', ...p });

const columns = (...headers: string[]): PatientImportReport['columns'] =>
  headers.map((header, i) => ({ position: i + 1, header, field: null, automatic: true }));

describe('csvCell', () => {
  it('leaves plain text and accents alone, quotes delimiters, quotes and line breaks', () => {
    expect(csvCell('Hélène Bégué')).toBe('Hélène Bégué');
    expect(csvCell('Port-Louis, Rue Desforges')).toBe('"Port-Louis, Rue Desforges"');
    expect(csvCell('Port-Louis, Rue Desforges', ';')).toBe('Port-Louis, Rue Desforges');
    expect(csvCell('Rose-Hill; Vacoas', ';')).toBe('"Rose-Hill; Vacoas"');
    expect(csvCell('Jean "Jeannot" Li')).toBe('"Jean ""Jeannot"" Li"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvCell('tab\there', '\t')).toBe('"tab\there"');
    expect(csvCell(' edge ')).toBe('" edge "');
    expect(csvCell('')).toBe('');
  });
});

describe('rejectedRowsCsv', () => {
  const report = {
    delimiter: ',',
    columns: columns('Nom', 'Prénom', 'Adresse', 'Portable'),
    rejected: [
      {
        row: 4,
        cells: ['Bégué', 'Hélène', 'Rue "Royale", Curepipe', '12'],
        problems: [
          problem({
            code: 'phone_invalid',
            column: 'Portable',
            field: 'phone',
            value: '12',
            message: '"12" is not a valid phone number (e.g. 5712 3456 or +230 5712 3456)',
          }),
        ],
      },
      {
        row: 7,
        cells: ['Li', '', 'Line 1\nLine 2'],
        problems: [
          problem({ code: 'required', column: 'Prénom', field: 'givenName', message: 'The given name is missing' }),
          problem({ code: 'duplicate_in_file', message: 'The same person as row 3 (Ah Li)', sameAsRow: 3 }),
        ],
      },
    ],
  } satisfies Pick<PatientImportReport, 'columns' | 'delimiter' | 'rejected'>;

  it('writes the header, each rejected row as it was, and the row number with its reasons last', () => {
    expect(rejectedRowsCsv(report)).toBe(
      [
        `Nom,Prénom,Adresse,Portable,${REJECTED_ROWS_REASON_HEADER}`,
        'Bégué,Hélène,"Rue ""Royale"", Curepipe",12,"Row 4: phone_invalid (Portable): ""12"" is not a valid phone number (e.g. 5712 3456 or +230 5712 3456)"',
        // A short row is padded to the header.
        'Li,,"Line 1\nLine 2",,Row 7: required (Prénom): The given name is missing; duplicate_in_file: The same person as row 3 (Ah Li)',
        '',
      ].join('\r\n'),
    );
  });

  it('starts with a UTF-8 byte-order mark when asked, for Excel', () => {
    const csv = rejectedRowsCsv(report, { byteOrderMark: true });
    expect(csv.startsWith('\uFEFFNom,')).toBe(true);
    expect([...new TextEncoder().encode(csv).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('keeps the file’s own delimiter, so a French Excel opens it as it opened the original', () => {
    const csv = rejectedRowsCsv({ ...report, delimiter: ';', rejected: [report.rejected[0]!] });
    expect(csv.split('\r\n')[1]).toBe(
      'Bégué;Hélène;"Rue ""Royale"", Curepipe";12;"Row 4: phone_invalid (Portable): ""12"" is not a valid phone number (e.g. 5712 3456 or +230 5712 3456)"',
    );
  });

  it('names extra cells in the reasons (they have no column), and replaces the reasons of a file rejected before', () => {
    const again = {
      delimiter: ',',
      columns: columns('Nom', REJECTED_ROWS_REASON_HEADER, 'Prénom'),
      rejected: [
        {
          row: 2,
          cells: ['Moutou', 'Row 9: phone_invalid (Portable): old reason', 'Kevin', 'stray', 'cells'],
          problems: [
            problem({
              code: 'extra_cells',
              value: 'stray | cells',
              message: 'The row has 5 cells but the header names 3 columns',
            }),
          ],
        },
      ],
    };
    expect(rejectedRowsCsv(again).split('\r\n').slice(0, 2)).toEqual([
      `Nom,Prénom,${REJECTED_ROWS_REASON_HEADER}`,
      'Moutou,Kevin,Row 2: extra_cells: The row has 5 cells but the header names 3 columns: stray | cells',
    ]);
  });

  it('writes only the header when no row is rejected', () => {
    expect(rejectedRowsCsv({ ...report, rejected: [] })).toBe(
      `Nom,Prénom,Adresse,Portable,${REJECTED_ROWS_REASON_HEADER}\r\n`,
    );
  });
});

describe('rejectionReason', () => {
  it('gives the row, then each problem as code, column and English message', () => {
    expect(
      rejectionReason(12, [problem({ code: 'date_invalid', column: 'DDN', message: '"31/02/1990" is not a date' })]),
    ).toBe('Row 12: date_invalid (DDN): "31/02/1990" is not a date');
  });
});
