import type { PatientImportEvent, PatientImportReport } from '@dentalpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { importPatients } from '../src/modules/patients/import.service.js';
import { createPatient, searchPatients } from '../src/modules/patients/patients.service.js';
import {
  type Client,
  TEST_ORIGIN,
  createTestApp,
  loggedIn,
  makeMember,
  makePractice,
  type TestApp,
} from './harness.js';

/** Import from another practice system, through the HTTP API on a real database. */

let t: TestApp;
let practice: Awaited<ReturnType<typeof makePractice>>;
let other: Awaited<ReturnType<typeof makePractice>>;
let reception: Client;
let dentist: Client;
let outsider: Client;
let url: string;
const actor = systemActor('test');

beforeAll(async () => {
  t = await createTestApp();
  practice = await makePractice(t.ctx);
  other = await makePractice(t.ctx);
  reception = await loggedIn(t.app, await makeMember(t.ctx, practice.practiceId, 'receptionist'));
  dentist = await loggedIn(t.app, await makeMember(t.ctx, practice.practiceId, 'dentist'));
  outsider = await loggedIn(t.app, other.owner);
  url = `/api/v1/practices/${practice.practiceId}/patients/imports`;
});
afterAll(() => t.close());

const count = (table: 'patients' | 'patientPhones' | 'patientSearchWords', practiceId = practice.practiceId) =>
  inPractice(t.db, practiceId, async (tx) =>
    Number(
      (
        await tx
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );
const importEvents = () =>
  inPractice(t.db, practice.practiceId, (tx) =>
    tx.selectFrom('auditEvents').select(['action', 'changes']).where('action', '=', 'patients.imported').execute(),
  );

/** An export of another system: French headers, semicolons, day-first dates. */
const FRENCH = [
  'Nom;Prénom;Date de naissance;Sexe;Portable;Tél domicile;Email;Adresse;Ville;Code patient',
  'Ramdin;Anjali;14/03/1985;F;5712 3456;212 3456;anjali@example.mu;Royal Road;Curepipe;P001',
  'Lebon;Jean-Marc;02/04/1970;H;5798 1234;;;"12, rue Desforges";Port Louis;P002',
  'Seetohul;Kevin;;M;+230 5744 0000;;;;;P003',
].join('\r\n');

const post = (client: Client, body: Record<string, unknown>) => client.post(url, body);

describe('checking a file (dry run, the default)', () => {
  it('maps French columns by themselves, reports every row, and writes nothing', async () => {
    const before = await count('patients');
    const res = await post(reception, { csv: FRENCH, fileName: 'export.csv' });
    expect(res.statusCode).toBe(200);
    const report: PatientImportReport = res.json();
    expect(report).toMatchObject({
      dryRun: true,
      status: 'checked',
      fileName: 'export.csv',
      delimiter: ';',
      totalRows: 3,
      validRows: 3,
      rejectedRows: 0,
      importedRows: 0,
      mappingProblems: [],
    });
    expect(report.columns.map((c) => [c.header, c.field])).toEqual([
      ['Nom', 'familyName'],
      ['Prénom', 'givenName'],
      ['Date de naissance', 'dateOfBirth'],
      ['Sexe', 'sex'],
      ['Portable', 'phone'],
      ['Tél domicile', 'homePhone'],
      ['Email', 'email'],
      ['Adresse', 'address'],
      ['Ville', 'address'],
      ['Code patient', null],
    ]);
    expect(report.preview[1]).toEqual([
      'Lebon',
      'Jean-Marc',
      '02/04/1970',
      'H',
      '5798 1234',
      '',
      '',
      '12, rue Desforges',
      'Port Louis',
      'P002',
    ]);
    expect(await count('patients')).toBe(before);
    expect(await importEvents()).toEqual([]);
  });

  it('rejects rows with a bad phone or date, naming row, column, value and reason', async () => {
    const csv = [
      'First name,Last name,DOB,Mobile,Email',
      'Priya,Ramdin,1990-01-31,5712 0001,',
      'Bad,Phone,1990-01-01,12,',
      'Bad,Date,31/02/1990,5712 0002,',
      'Not,Born,01/01/2999,,',
      ',Nameless,,,',
      'Bad,Email,,,not-an-email',
    ].join('\n');
    const report: PatientImportReport = (await post(reception, { csv })).json();
    expect(report).toMatchObject({ totalRows: 6, validRows: 1, rejectedRows: 5 });
    expect(report.rejected.map((r) => [r.row, r.problems.map((p) => [p.code, p.column, p.value])])).toEqual([
      [3, [['phone_invalid', 'Mobile', '12']]],
      [4, [['date_invalid', 'DOB', '31/02/1990']]],
      [5, [['date_in_future', 'DOB', '01/01/2999']]],
      [6, [['required', 'First name', '']]],
      [7, [['email_invalid', 'Email', 'not-an-email']]],
    ]);
    expect(report.rejected[0]!.problems[0]!.message).toMatch(/not a valid phone number/);
  });

  it('applies the mapping it is given, and reports missing name columns instead of checking rows', async () => {
    const csv = 'Surname,Forename,Tel,Ref\nLebon,Marie,5712 3333,17\n';
    const mapped: PatientImportReport = (
      await post(reception, { csv, mapping: { Tel: 'whatsApp', '#4': 'ignore' } })
    ).json();
    expect(mapped.columns.map((c) => [c.field, c.automatic])).toEqual([
      ['familyName', true],
      ['givenName', true],
      ['whatsApp', false],
      [null, false],
    ]);
    const unmapped: PatientImportReport = (await post(reception, { csv, mapping: { Forename: 'ignore' } })).json();
    expect(unmapped).toMatchObject({ validRows: 0, mappingProblems: [{ code: 'missing_field', field: 'givenName' }] });
    const refused = await post(reception, { csv, mapping: { Forename: 'ignore' }, dryRun: false });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'import_mapping_invalid' });
    const unknown = await post(reception, { csv, mapping: { Birthday: 'dateOfBirth' } });
    expect(unknown.json()).toMatchObject({
      code: 'import_mapping_invalid',
      detail: expect.stringContaining('Birthday'),
    });
  });

  it('refuses a file in another encoding unless told, and broken files, with codes', async () => {
    const latin = Buffer.from('Nom;Prénom\nLebon;Hélène\n', 'latin1').toString('base64');
    const refused = await post(reception, { csvBase64: latin });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'import_encoding_invalid' });
    const told = await post(reception, { csvBase64: latin, encoding: 'windows-1252' });
    expect(told.json()).toMatchObject({ encoding: 'windows-1252', validRows: 1, preview: [['Lebon', 'Hélène']] });
    const unclosed = await post(reception, { csv: 'Nom,Prénom\nLebon,"Marie\n' });
    expect(unclosed.json()).toMatchObject({
      code: 'import_file_invalid',
      detail: expect.stringMatching(/never closed/),
    });
    const both = await post(reception, { csv: 'a', csvBase64: 'YQ==' });
    expect(both.json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe('duplicates', () => {
  it('rejects the same person twice in the file and people already on file; warns of likely ones', async () => {
    const known = await createPatient(t.ctx, {
      actor,
      practiceId: practice.practiceId,
      patient: { givenName: 'Hélène', familyName: 'Lagesse', dateOfBirth: '2010-03-14', phone: '5700 1111' },
    });
    await createPatient(t.ctx, {
      actor,
      practiceId: practice.practiceId,
      patient: { givenName: 'Ravi', familyName: 'Ramgoolam', dateOfBirth: '1970-01-02' },
    });
    const csv = [
      'Given name,Family name,Date of birth,Phone',
      'Helene,Lagesse,14/03/2010,', // already a patient (accents aside)
      'Nadia,Hossen,1995-05-05,5755 0001',
      'Nadia,HOSSEN,05/05/1995,', // row 3 again
      'Ravie,Ramgoolam,1970-01-02,', // similar to a patient born the same day: a warning
      'Amir,Hossen,2015-01-01,5755 0001', // Nadia's child on her phone: a family, nothing to say
    ].join('\n');
    const report: PatientImportReport = (await post(reception, { csv })).json();
    expect(report).toMatchObject({ totalRows: 5, validRows: 3, rejectedRows: 2, duplicateCount: 1 });
    expect(report.rejected).toEqual([
      {
        row: 2,
        cells: ['Helene', 'Lagesse', '14/03/2010', ''],
        problems: [
          expect.objectContaining({ code: 'duplicate_on_file', patient: expect.objectContaining({ id: known.id }) }),
        ],
      },
      {
        row: 4,
        cells: ['Nadia', 'HOSSEN', '05/05/1995', ''],
        problems: [expect.objectContaining({ code: 'duplicate_in_file', sameAsRow: 3 })],
      },
    ]);
    expect(report.duplicates).toEqual([
      expect.objectContaining({
        row: 5,
        reason: 'same_birth_date',
        patient: expect.objectContaining({ givenName: 'Ravi' }),
      }),
    ]);
  });
});

describe('importing', () => {
  it('refuses the whole file when a row is rejected, then imports the others when told to skip them', async () => {
    const csv = 'Prénom;Nom;Portable\nAisha;Joomun;5712 4444\nBad;Number;99\nLouis;Perrine;5712 5555\n';
    const before = await count('patients');
    const refused = await post(reception, { csv, dryRun: false });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'import_rows_rejected',
      report: { status: 'refused', validRows: 2, rejectedRows: 1, importedRows: 0 },
    });
    expect(await count('patients')).toBe(before);

    const done = await post(reception, { csv, dryRun: false, skipRejected: true });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'imported', dryRun: false, importedRows: 2, rejectedRows: 1 });
    expect(await count('patients')).toBe(before + 2);
    // Found like any patient: by name, by phone digits.
    const byName = await searchPatients(t.ctx, { actor, practiceId: practice.practiceId, q: 'joomun', limit: 5 });
    expect(byName.items).toMatchObject([{ givenName: 'Aisha', familyName: 'Joomun', phone: '+23057124444' }]);
    const byPhone = await searchPatients(t.ctx, { actor, practiceId: practice.practiceId, q: '5555', limit: 5 });
    expect(byPhone.items.map((i) => i.familyName)).toEqual(['Perrine']);
    expect(await importEvents()).toEqual([
      { action: 'patients.imported', changes: { count: 2, rows: 3, rejectedRows: 1, likelyDuplicates: 0 } },
    ]);

    // The same file again: everyone is already on file.
    const again: PatientImportReport = (await post(reception, { csv })).json();
    expect(again.rejected.map((r) => r.problems.map((p) => p.code))).toEqual([
      ['duplicate_on_file'],
      ['phone_invalid'],
      ['duplicate_on_file'],
    ]);
  });

  it('is all or nothing: a failure in the middle of thousands of rows leaves nothing behind', async () => {
    const csv = [
      'First name,Last name,Mobile',
      ...Array.from({ length: 4500 }, (_, i) => `Person${i},Family${i % 97},5${String(7000000 + i)}`),
    ].join('\n');
    const before = {
      patients: await count('patients'),
      phones: await count('patientPhones'),
      words: await count('patientSearchWords'),
    };
    const seen: number[] = [];
    const failing = importPatients(t.ctx, {
      actor,
      practiceId: practice.practiceId,
      file: csv,
      dryRun: false,
      onProgress: (p) => {
        if (p.phase !== 'importing') return;
        seen.push(p.done);
        if (p.done > 0 && p.done < p.total) throw new Error('the disk is full');
      },
    });
    await expect(failing).rejects.toThrow('the disk is full');
    expect(seen).toEqual([0, 2000]);
    expect({
      patients: await count('patients'),
      phones: await count('patientPhones'),
      words: await count('patientSearchWords'),
    }).toEqual(before);

    const report = await importPatients(t.ctx, { actor, practiceId: practice.practiceId, file: csv, dryRun: false });
    expect(report).toMatchObject({ importedRows: 4500, validRows: 4500 });
    expect(await count('patients')).toBe(before.patients + 4500);
    expect(await count('patientPhones')).toBe(before.phones + 4500);
  });

  it('imports a file sent twice at once only once: the second finds everyone already on file', async () => {
    const csv = 'First name,Last name,DOB\nTwice,Sent,1990-02-02\nAlso,Twice,1991-03-03\n';
    const before = await count('patients');
    const both = await Promise.allSettled(
      [0, 1].map(() => importPatients(t.ctx, { actor, practiceId: practice.practiceId, file: csv, dryRun: false })),
    );
    const outcomes = both
      .map((r) => (r.status === 'fulfilled' ? 'imported' : (r.reason as { code: string }).code))
      .sort();
    expect(outcomes).toEqual(['import_rows_rejected', 'imported']);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(
      refused.reason.options.extra.report.rejected.flatMap((r: { problems: { code: string }[] }) =>
        r.problems.map((p) => p.code),
      ),
    ).toEqual(['duplicate_on_file', 'duplicate_on_file']);
    expect(await count('patients')).toBe(before + 2);
  });

  it('streams progress as JSON lines, then the report, when asked', async () => {
    const csv = ['First name,Last name', ...Array.from({ length: 300 }, (_, i) => `Streamed${i},Person`)].join('\n');
    const res = await reception.request('POST', url, { csv, dryRun: false }, { accept: 'application/x-ndjson' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const events = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PatientImportEvent);
    const phases = events
      .filter((e) => e.type === 'progress')
      .map((e) => (e.type === 'progress' ? `${e.phase} ${e.done}/${e.total}` : ''));
    expect(phases).toContain('checking 300/300');
    expect(phases.at(-1)).toBe('importing 300/300');
    expect(events.at(-1)).toMatchObject({ type: 'report', report: { status: 'imported', importedRows: 300 } });

    const refused = await reception.request(
      'POST',
      url,
      { csv: 'First name,Last name\nA,B\n,C\n', dryRun: false },
      { accept: 'application/x-ndjson' },
    );
    const last = JSON.parse(refused.body.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({
      type: 'problem',
      problem: { code: 'import_rows_rejected', status: 422, report: { rejectedRows: 1 } },
    });
  });
});

describe('a browser that goes away', () => {
  it('stops the import and rolls it back', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const csv = ['First name,Last name', ...Array.from({ length: 10_000 }, (_, i) => `Gone${i},Away`)].join('\n');
    const before = await count('patients');
    const gone = new AbortController();
    const response = await fetch(`${address}${url}`, {
      method: 'POST',
      headers: {
        origin: TEST_ORIGIN,
        cookie: reception.cookie!,
        'content-type': 'application/json',
        accept: 'application/x-ndjson',
      },
      body: JSON.stringify({ csv, dryRun: false }),
      signal: gone.signal,
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('"phase":"importing"')) seen += (await reader.read()).value ?? '';
    gone.abort();
    // The import notices between two batches and its transaction rolls back. Another import
    // waits for that transaction to end (imports of a practice take turns), then adds its one.
    const next = await importPatients(t.ctx, {
      actor,
      practiceId: practice.practiceId,
      file: 'First name,Last name\nAfter,Gone\n',
      dryRun: false,
    });
    expect(next.importedRows).toBe(1);
    expect(await count('patients')).toBe(before + 1);
    expect(
      (await searchPatients(t.ctx, { actor, practiceId: practice.practiceId, q: 'away', limit: 1 })).items,
    ).toEqual([]);
    // The aborted fetch's socket would hold the server's close up for its keep-alive time.
    t.app.server.closeAllConnections();
  });
});

describe('who may import', () => {
  it('refuses a dentist (no patients:import) and a member of another practice', async () => {
    const csv = 'First name,Last name\nA,B\n';
    expect((await post(dentist, { csv })).json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await post(outsider, { csv })).json()).toMatchObject({ status: 404, code: 'practice_not_found' });
    expect(await count('patients', other.practiceId)).toBe(0);
  });
});
