import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { decodeCsv, detectDelimiter, readCsv } from './import-file.js';
import { checkRow, fieldForHeader, mapColumns, parseBirthDate, parseSex, splitFullName } from './import.js';

const TODAY = '2026-11-25';
const fields = (header: string[], mapping = {}) => mapColumns(header, mapping).columns.map((c) => c.field);

describe('mapping columns by their headers', () => {
  it('recognises English and French names, with accents, case and numbering', () => {
    expect(
      fields([
        'First name',
        'Last name',
        'DOB',
        'Gender',
        'Mobile',
        'Phone 2',
        'E-mail',
        'Address',
        'City',
        'Language',
        'Notes',
      ]),
    ).toEqual([
      'givenName',
      'familyName',
      'dateOfBirth',
      'sex',
      'phone',
      'phone',
      'email',
      'address',
      'address',
      'preferredLanguage',
      'notes',
    ]); // prettier-ignore
    expect(
      fields([
        'Prénom',
        'NOM',
        'Date de naissance',
        'Sexe',
        'Téléphone portable',
        'Tél. domicile',
        'Courriel',
        'Adresse',
        'Langue',
        'Remarques',
      ]),
    ).toEqual([
      'givenName',
      'familyName',
      'dateOfBirth',
      'sex',
      'phone',
      'homePhone',
      'email',
      'address',
      'preferredLanguage',
      'notes',
    ]); // prettier-ignore
    expect(fieldForHeader('WhatsApp')).toBe('whatsApp');
    expect(fieldForHeader('Né(e) le')).toBe('dateOfBirth');
    expect(fieldForHeader('Patient ID')).toBeNull();
  });

  it('reads a name column beside a given-name column as the family name, and alone as the full name', () => {
    expect(fields(['Name', 'First name'])).toEqual(['familyName', 'givenName']);
    expect(fields(['Patient name', 'DOB'])).toEqual(['fullName', 'dateOfBirth']);
  });

  it('lets the mapping override by header (any case) or by position, and ignore columns', () => {
    const { columns } = mapColumns(['Nom', 'Prénom', 'Tel', 'Fax'], {
      tel: 'whatsApp',
      '#4': 'ignore',
      Nom: 'familyName',
    });
    expect(columns.map((c) => [c.field, c.automatic])).toEqual([
      ['familyName', false],
      ['givenName', true],
      ['whatsApp', false],
      [null, false],
    ]);
  });

  it('refuses a mapping that names a column the file does not have', () => {
    expect(() => mapColumns(['Nom', 'Prénom'], { Birthday: 'dateOfBirth' })).toThrow(/No column "Birthday"/);
  });

  it('reports missing names and several columns fed into a one-column field', () => {
    expect(mapColumns(['Email', 'Mobile']).problems).toEqual([
      { code: 'missing_field', field: 'givenName', columns: [] },
      { code: 'missing_field', field: 'familyName', columns: [] },
    ]);
    expect(mapColumns(['First', 'Last', 'A', 'B'], { A: 'email', B: 'email' }).problems).toEqual([
      { code: 'several_columns', field: 'email', columns: ['A', 'B'] },
    ]);
    // Found by header, a second column for a one-column field is left unmapped instead.
    expect(fields(['First', 'Last', 'Email', 'Email 2'])).toEqual(['givenName', 'familyName', 'email', null]);
  });
});

describe('cells', () => {
  it('reads birth dates day first, in the usual spellings', () => {
    const ok = (raw: string) => (parseBirthDate(raw, TODAY) as { value: string }).value;
    expect(ok('1980-04-02')).toBe('1980-04-02');
    expect(ok('02/04/1980')).toBe('1980-04-02');
    expect(ok('2/4/1980')).toBe('1980-04-02');
    expect(ok('02-04-1980')).toBe('1980-04-02');
    expect(ok('02.04.1980')).toBe('1980-04-02');
    expect(ok('1980/04/02')).toBe('1980-04-02');
    expect(ok('1980-04-02 00:00:00')).toBe('1980-04-02');
    expect(ok('2 avril 1980')).toBe('1980-04-02');
    expect(ok('1er mars 1975')).toBe('1975-03-01');
    expect(ok('14 March 1980')).toBe('1980-03-14');
  });

  it('refuses impossible, two-digit-year, future and very old dates with a reason', () => {
    const code = (raw: string) => (parseBirthDate(raw, TODAY) as { code: string }).code;
    expect(code('31/02/1980')).toBe('date_invalid');
    expect(code('04/25/1980')).toBe('date_invalid'); // month/day: there is no 25th month
    expect(code('02/04/80')).toBe('date_invalid');
    expect(code('yesterday')).toBe('date_invalid');
    expect(code('2027-01-01')).toBe('date_in_future');
    expect(code('1880-01-01')).toBe('date_too_old');
    expect(parseBirthDate('02/04/80', TODAY)).toMatchObject({ message: expect.stringContaining('two-digit year') });
  });

  it('never throws on any text, and every date it accepts round-trips to the same day', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const result = parseBirthDate(raw, TODAY);
        if ('value' in result) expect(result.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
    );
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          const [y, m, day] = iso.split('-');
          expect(parseBirthDate(`${day}/${m}/${y}`, TODAY)).toEqual({ value: iso });
        },
      ),
    );
  });

  it('reads sex in English and French', () => {
    expect(
      ['F', 'f', 'Female', 'Féminin', 'M', 'H', 'Homme', 'Other', ''].map((s) =>
        'value' in parseSex(s) ? (parseSex(s) as { value: string }).value : 'error',
      ),
    ).toEqual(['female', 'female', 'female', 'female', 'male', 'male', 'male', 'other', 'error']); // prettier-ignore
  });

  it('splits full names written in the usual ways', () => {
    expect(splitFullName('Ramdin, Anjali')).toEqual({ familyName: 'Ramdin', givenName: 'Anjali' });
    expect(splitFullName('RAMDIN Anjali Devi')).toEqual({ familyName: 'RAMDIN', givenName: 'Anjali Devi' });
    expect(splitFullName('Marie Claire Lebon')).toEqual({ familyName: 'Lebon', givenName: 'Marie Claire' });
    expect(splitFullName('Lebon')).toEqual({ familyName: 'Lebon', givenName: '' });
  });
});

describe('checking a row', () => {
  const header = [
    'Prénom',
    'Nom',
    'Date de naissance',
    'Sexe',
    'Portable',
    'Tél domicile',
    'WhatsApp',
    'Email',
    'Adresse',
    'Ville',
    'Langue',
  ];
  const { columns } = mapColumns(header);
  const check = (cells: string[]) => checkRow(7, cells, columns, TODAY);

  it('turns a good row into a patient ready to insert (E.164 phones, folded names)', () => {
    const r = check([
      'Hélène',
      'Lebon',
      '02/04/1980',
      'F',
      '5712 3456 / 5798 0000',
      '212 3456',
      '57123456',
      'Helene@Example.MU',
      'Royal Road',
      'Curepipe',
      'Français',
    ]);
    expect(r.problems).toEqual([]);
    expect(r.patient!.row).toMatchObject({
      givenName: 'Hélène',
      familyName: 'Lebon',
      dateOfBirth: '1980-04-02',
      sex: 'female',
      email: 'helene@example.mu',
      address: 'Royal Road, Curepipe',
      preferredLanguage: 'fr',
      phone: '+23057123456',
      searchName: 'helene lebon',
      sortName: 'lebon helene',
    });
    expect(r.patient!.phones).toEqual([
      { e164: '+23057123456', label: 'mobile', isWhatsApp: true },
      { e164: '+23057980000', label: 'mobile', isWhatsApp: false },
      { e164: '+2302123456', label: 'home', isWhatsApp: false },
    ]);
  });

  it('names every problem of a bad row by column, value and code', () => {
    const r = check(['', 'Lebon', '31/02/1980', 'Z', '12', '', '', 'not-an-email', '', '', 'Klingon']);
    expect(r.patient).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.column, p.value])).toEqual([
      ['required', 'Prénom', ''],
      ['date_invalid', 'Date de naissance', '31/02/1980'],
      ['sex_unknown', 'Sexe', 'Z'],
      ['language_unknown', 'Langue', 'Klingon'],
      ['phone_invalid', 'Portable', '12'],
    ]);
    // Checks by preparePatient (email) come once the row's own are fixed.
    const email = check(['Marie', 'Lebon', '', '', '', '', '', 'not-an-email', '', '', '']);
    expect(email.problems.map((p) => [p.code, p.column])).toEqual([['email_invalid', 'Email']]);
  });

  it('treats placeholders such as "-" and "N/A" as empty cells', () => {
    const r = check(['Marie', 'Lebon', '-', 'N/A', '-', '', '', '', '', '', '']);
    expect(r.problems).toEqual([]);
    expect(r.patient!.row).toMatchObject({ dateOfBirth: null, sex: 'unknown', phone: '' });
  });

  it('refuses a row with more filled cells than the header has columns', () => {
    const r = checkRow(3, ['Marie', 'Lebon', 'surprise'], mapColumns(['First', 'Last']).columns, TODAY);
    expect(r.problems).toMatchObject([{ code: 'extra_cells', value: 'surprise' }]);
  });

  it('reads a full-name column, and a guardian given as name and phone', () => {
    const { columns: c } = mapColumns(['Patient', 'Parent', 'Parent phone', 'Relationship']);
    const r = checkRow(2, ['RAMDIN Arvind', 'Reshma Ramdin', '5733 0011', 'Mother'], c, TODAY);
    expect(r.problems).toEqual([]);
    expect(r.patient!.row).toMatchObject({
      givenName: 'Arvind',
      familyName: 'RAMDIN',
      guardianName: 'Reshma Ramdin',
      guardianPhone: '+23057330011',
      guardianRelationship: 'Mother',
    });
    expect(checkRow(2, ['RAMDIN Arvind', 'Reshma Ramdin', '', ''], c, TODAY).problems).toMatchObject([
      { code: 'guardian_incomplete', field: 'guardianPhone' },
    ]);
  });
});

describe('reading the file', () => {
  it('finds the delimiter from the header line, ignoring quoted text', () => {
    expect(detectDelimiter('Nom;Prénom;Adresse\nA;B;"1, rue X"')).toBe(';');
    expect(detectDelimiter('"Nom; complet",Prénom,Tel\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
  });

  it('reads quotes, line breaks in quotes and a byte-order mark, numbering rows as a spreadsheet does', async () => {
    const bytes = Buffer.from(
      '\uFEFFNom;Prénom;Notes\nLebon;Marie;"Line one\nline two"\n\n;;\nRamdin;"Anjali ""Anju""";\n',
      'utf8',
    );
    const { text, encoding } = decodeCsv(bytes);
    const table = await readCsv(text, encoding);
    expect(table).toMatchObject({ encoding: 'utf-8', delimiter: ';', header: ['Nom', 'Prénom', 'Notes'] });
    expect(table.rows).toEqual([
      { row: 2, cells: ['Lebon', 'Marie', 'Line one\nline two'] },
      { row: 5, cells: ['Ramdin', 'Anjali "Anju"', ''] },
    ]);
  });

  it('decodes UTF-16 by its byte-order mark, and Windows-1252 when told', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Nom,Prénom\n', 'utf16le')]);
    expect(decodeCsv(utf16)).toEqual({ text: 'Nom,Prénom\n', encoding: 'utf-16le' });
    const latin = Buffer.from([0x50, 0x72, 0xe9, 0x6e, 0x6f, 0x6d]); // "Prénom" in Windows-1252
    expect(decodeCsv(latin, 'windows-1252').text).toBe('Prénom');
  });

  it('refuses text that is not in the encoding, workbooks and binary data, with a code', async () => {
    const latin = Buffer.from([0x50, 0x72, 0xe9, 0x6e, 0x6f, 0x6d]);
    expect(() => decodeCsv(latin)).toThrow(expect.objectContaining({ code: 'import_encoding_invalid' }));
    expect(() => decodeCsv(Buffer.from('PK\x03\x04rest', 'latin1'))).toThrow(/spreadsheet workbook/);
    expect(() => decodeCsv(Buffer.from('a,b\n\u0000\u0001', 'latin1'))).toThrow(
      expect.objectContaining({ code: 'import_file_invalid' }),
    );
  });

  it('refuses an unclosed quote, an empty file and a file without rows', async () => {
    const fails = async (text: string) => {
      try {
        await readCsv(text, 'utf-8');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        return err as AppError;
      }
      throw new Error('expected a failure');
    };
    expect((await fails('Nom,Prénom\nLebon,"Marie\n')).options.detail).toMatch(/never closed/);
    expect((await fails('')).code).toBe('import_file_invalid');
    expect((await fails('Nom,Prénom\n\n')).options.detail).toMatch(/no rows/);
  });
});
