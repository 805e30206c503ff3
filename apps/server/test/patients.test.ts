import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { practicesWithUncountedWords, refreshNameWordCounts } from '../src/modules/patients/patients.repository.js';
import { countNameWords } from '../src/modules/patients/patients.jobs.js';
import { enqueueJob } from '../src/platform/jobs.js';
import { createBackgroundRunner } from '../src/background.js';
import {
  createPatient,
  createPatientsInBulk,
  findPatientsByPhone,
  searchPatients,
  updatePatient,
} from '../src/modules/patients/patients.service.js';
import { type Client, createTestApp, loggedIn, makeMember, makePractice, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';
import { connectChannel, workers } from './whatsapp-fixtures.js';
import { inbox, newWaId, patientWrites } from './whatsapp-helpers.js';

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makePractice>>;
let reception: Client;
let owner: Client;
let dentist: Client;
let base: string;
const actor = systemActor('test');

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  other = await makePractice(t.ctx);
  reception = await loggedIn(t.app, p.receptionist);
  owner = await loggedIn(t.app, p.owner);
  dentist = await loggedIn(t.app, p.dentist);
  base = `/api/v1/practices/${p.practiceId}`;
});
afterAll(() => t.close());

/** A PNG as an x-ray upload: the signature, then pixels. */
const XRAY_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(1500, 0x5a),
]);

const countPatients = () =>
  inPractice(t.db, p.practiceId, async (tx) =>
    Number(
      (
        await tx
          .selectFrom('patients')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

describe('the patient record', () => {
  it('stores phones typed in local format as E.164, with labels and the WhatsApp flag, and keeps the primary in phone', async () => {
    const res = await reception.post(`${base}/patients`, {
      givenName: 'Anjali',
      familyName: 'Seetohul',
      dateOfBirth: '1985-06-01',
      sex: 'female',
      phones: [
        { number: '5 744 1122', label: 'mobile', isWhatsApp: true },
        { number: '212 3456', label: 'home' },
      ],
      email: 'Anjali@Example.MU',
      preferredLanguage: 'mfe',
      notes: 'Prefers mornings',
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      phone: '+23057441122',
      phones: [
        { e164: '+23057441122', label: 'mobile', isWhatsApp: true },
        { e164: '+2302123456', label: 'home', isWhatsApp: false },
      ],
      email: 'anjali@example.mu',
      preferredLanguage: 'mfe',
      status: 'active',
      mergedIntoId: null,
      hasAlerts: false,
      warnings: { possibleDuplicates: [] },
    });
    const read = (await reception.get(`${base}/patients/${created.id}`)).json();
    expect(read).toMatchObject({ id: created.id, phones: created.phones, notes: 'Prefers mornings' });
  });

  it('refuses an invalid phone at phones.N and a future birth date, saving nothing', async () => {
    const before = await countPatients();
    const badPhone = await reception.post(`${base}/patients`, {
      givenName: 'Bad',
      familyName: 'Phone',
      phones: [{ number: '57441122' }, { number: '12' }],
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'phones.1.number', code: 'phone_invalid' })],
    });
    const future = await reception.post(`${base}/patients`, {
      givenName: 'Not',
      familyName: 'Yet',
      dateOfBirth: '2999-01-01',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'dateOfBirth', code: 'birth_date_in_future' })],
    });
    const twoWhatsApps = await reception.post(`${base}/patients`, {
      givenName: 'Two',
      familyName: 'Apps',
      phones: [
        { number: '57440001', isWhatsApp: true },
        { number: '57440002', isWhatsApp: true },
      ],
    });
    expect(twoWhatsApps.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'phones', code: 'one_whatsapp_number' })],
    });
    const noName = await reception.post(`${base}/patients`, { givenName: ' ', familyName: 'Apps', email: 'two@apps' });
    expect(noName.json()).toMatchObject({
      code: 'validation_failed',
      errors: [
        expect.objectContaining({ path: 'givenName', code: 'required' }),
        expect.objectContaining({ path: 'email', code: 'email_invalid' }),
      ],
    });
    expect(await countPatients()).toBe(before);
  });

  it('edits fields, replaces phones and re-indexes the name; the audit names fields, not values', async () => {
    const created = (
      await reception.post(`${base}/patients`, { givenName: 'Kevin', familyName: 'Moutou', phone: '57009911' })
    ).json();
    const res = await reception.patch(`${base}/patients/${created.id}`, {
      familyName: 'Moutou-Lebon',
      phones: [{ number: '57009922', isWhatsApp: true }],
      address: 'Rose-Hill',
      expectedVersion: created.version,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      familyName: 'Moutou-Lebon',
      phone: '+23057009922',
      address: 'Rose-Hill',
      phones: [{ e164: '+23057009922', isWhatsApp: true }],
    });
    const found = (await reception.get(`${base}/patients?q=lebon`)).json();
    expect(found.items.map((i: { id: string }) => i.id)).toContain(created.id);
    const event = await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select('changes')
        .where('action', '=', 'patient.updated')
        .where('targetId', '=', created.id)
        .executeTakeFirstOrThrow(),
    );
    expect(event.changes).toEqual({ fields: ['familyName', 'phones', 'address'] });
    expect(JSON.stringify(event.changes)).not.toContain('Rose-Hill');
  });

  it('accepts a guardian patient of the same practice, or a contact, but not both', async () => {
    const parent = (
      await reception.post(`${base}/patients`, { givenName: 'Reshma', familyName: 'Bhugun', phone: '57330011' })
    ).json();
    const child = await reception.post(`${base}/patients`, {
      givenName: 'Arvind',
      familyName: 'Bhugun',
      guardianPatientId: parent.id,
    });
    expect(child.json()).toMatchObject({ guardianPatientId: parent.id, guardianContact: null });
    const both = await reception.post(`${base}/patients`, {
      givenName: 'X',
      familyName: 'Y',
      guardianPatientId: parent.id,
      guardianContact: { name: 'Z', phone: '57330012' },
    });
    expect(both.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'guardianContact', code: 'guardian_both' })],
    });
    const foreign = await makePatientIn(other.practiceId, 'Foreign', 'Guardian');
    const elsewhere = await reception.post(`${base}/patients`, {
      givenName: 'X',
      familyName: 'Y',
      guardianPatientId: foreign,
    });
    expect(elsewhere.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'guardianPatientId', code: 'guardian_not_found' })],
    });
    const itself = await reception.patch(`${base}/patients/${parent.id}`, {
      guardianPatientId: parent.id,
      expectedVersion: parent.version,
    });
    expect(itself.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'guardianPatientId', code: 'guardian_self' })],
    });
  });
});

async function makePatientIn(
  practiceId: string,
  givenName: string,
  familyName: string,
  extra: Record<string, unknown> = {},
) {
  return (await createPatient(t.ctx, { actor, practiceId, patient: { givenName, familyName, ...extra } })).id;
}

describe('search', () => {
  let s: Awaited<ReturnType<typeof makePractice>>;
  const ids: Record<string, string> = {};
  const find = async (q: string, extra: Record<string, unknown> = {}) =>
    searchPatients(t.ctx, { actor, practiceId: s.practiceId, q, limit: 20, ...extra });
  const names = async (q: string) => (await find(q)).items.map((i) => `${i.givenName} ${i.familyName}`);

  beforeAll(async () => {
    s = await makePractice(t.ctx);
    const people: [string, string, string, Record<string, unknown>][] = [
      ['ravi', 'Ravi', 'Ramgoolam', { phone: '+230 5712 3456', dateOfBirth: '1970-01-02' }],
      ['ram', 'Ram', 'Seetohul', { phone: '57998877' }],
      ['priya', 'Priya', 'Ramdin', { email: 'priya.ramdin@example.mu' }],
      ['helene', 'Hélène', 'Lagesse', { dateOfBirth: '2010-03-14' }],
      ['helena', 'Helena', 'Noël', {}],
      ['marie', 'Marie', 'Tramway', {}],
      ['archived', 'Zoltan', 'Archived', { status: 'archived' }],
    ];
    for (const [key, given, family, extra] of people)
      ids[key] = await makePatientIn(s.practiceId, given, family, extra);
  });

  it('finds word prefixes: "ram" finds Ram, Ramdin and Ramgoolam (the exact word first), not Tramway', async () => {
    expect(await names('ram')).toEqual(['Ram Seetohul', 'Priya Ramdin', 'Ravi Ramgoolam']);
  });

  it('is accent-insensitive both ways', async () => {
    expect(await names('Helene')).toContain('Hélène Lagesse');
    expect(await names('hélène')).toContain('Hélène Lagesse');
    expect(await names('NOEL')).toEqual(['Helena Noël']);
  });

  it('tolerates typos, ranking exact and prefix matches before similar ones', async () => {
    // The closest word first; a short word that merely looks alike ("Ram") may follow.
    expect((await names('Ramgolam'))[0]).toBe('Ravi Ramgoolam');
    expect(await names('Lagese')).toEqual(['Hélène Lagesse']);
    // "helene" is Hélène's own word; Helena only looks like it.
    expect(await names('helene')).toEqual(['Hélène Lagesse', 'Helena Noël']);
  });

  it('ranks a typo tier match whose other words are typed right first: "apadoo mari" is Marie Appadoo, then Jean-Marc', async () => {
    const a = await makePractice(t.ctx);
    const jeanMarc = await makePatientIn(a.practiceId, 'Jean-Marc', 'Appadoo');
    const marie = await makePatientIn(a.practiceId, 'Marie', 'Appadoo');
    const mari = await makePatientIn(a.practiceId, 'Mari', 'Appadoo');
    const ids = async (q: string) =>
      (await searchPatients(t.ctx, { actor, practiceId: a.practiceId, q, limit: 20 })).items.map((i) => i.id);
    // "mari" starts a word of Mari's and Marie's names, and only looks like Jean-Marc's "marc".
    expect(await ids('apadoo mari')).toEqual([mari, marie, jeanMarc]);
    expect(await ids('mari apadoo')).toEqual([mari, marie, jeanMarc]);
    expect((await ids('apadoo marie'))[0]).toBe(marie);
    expect((await ids('apadoo marc'))[0]).toBe(jeanMarc);
    // Paged one by one, the same order.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchPatients(t.ctx, { actor, practiceId: a.practiceId, q: 'apadoo mari', limit: 1, cursor });
      paged.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual([mari, marie, jeanMarc]);
  });

  it('matches several words: "ravi ram"', async () => {
    expect(await names('ravi ram')).toEqual(['Ravi Ramgoolam']);
    expect(await names('ramgoolam ravi')).toEqual(['Ravi Ramgoolam']);
  });

  it('tolerates a typo among several words, the other words starting a word or looking like one', async () => {
    // A typo in the family name, the given name right; then both wrong.
    expect(await names('ravi ramgolam')).toEqual(['Ravi Ramgoolam']);
    expect(await names('ravvi ramgolam')).toEqual(['Ravi Ramgoolam']);
    // The other word must match something: nobody is Priya Ramgoolam.
    expect(await names('priya ramgolam')).toEqual([]);
    // A preferred name counts as a word of the name.
    const bobby = await makePatientIn(s.practiceId, 'Robert', 'Lagesse', { preferredName: 'Bobby' });
    expect((await find('bobby lagese')).items.map((i) => i.id)).toEqual([bobby]);
  });

  it('finds phone digits from the start of the number or at its end', async () => {
    expect(await names('5712')).toEqual(['Ravi Ramgoolam']);
    expect(await names('3456')).toEqual(['Ravi Ramgoolam']);
    expect(await names('+230 5712 3456')).toEqual(['Ravi Ramgoolam']);
  });

  it('lists phone matches in list order, and follows a change of name', async () => {
    const zara = await makePatientIn(s.practiceId, 'Zara', 'Zulu', { phone: '+230 5888 1111' });
    await makePatientIn(s.practiceId, 'Adam', 'Abel', { phone: '+230 5888 2222' });
    expect(await names('5888')).toEqual(['Adam Abel', 'Zara Zulu']);
    await updatePatient(t.ctx, {
      actor,
      practiceId: s.practiceId,
      patientId: zara,
      patch: { familyName: 'Aaron' },
      expectedVersion: 1,
    });
    expect(await names('5888')).toEqual(['Zara Aaron', 'Adam Abel']);
    expect((await find('5888', { limit: 1 })).items.map((i) => i.id)).toEqual([zara]);
  });

  it('finds birth dates, ISO or DD/MM/YYYY, and emails', async () => {
    expect(await names('2010-03-14')).toEqual(['Hélène Lagesse']);
    expect(await names('14/03/2010')).toEqual(['Hélène Lagesse']);
    expect(await names('priya.ramdin@example.mu')).toEqual(['Priya Ramdin']);
    expect(await names('priya.r@')).toEqual([]);
  });

  it('leaves archived patients out unless asked', async () => {
    expect(await names('zoltan')).toEqual([]);
    expect((await find('zoltan', { includeArchived: true })).items.map((i) => i.id)).toEqual([ids.archived]);
  });

  it('pages with a cursor through both tiers without repeats', async () => {
    const all = (await find('helen')).items.map((i) => i.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await find('helen', { limit: 1, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(seen).toHaveLength(2);
  });

  it('counts what a search lists when asked, on its first page only: every kind, typos and archived included', async () => {
    const listed = async (q: string, extra: Record<string, unknown> = {}) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await find(q, { ...extra, limit: 1, cursor });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen.length;
    };
    for (const q of [
      '',
      'ram',
      'helen',
      'helene',
      'ravi ramgolam',
      'ramgolam',
      '5888',
      '3456',
      '2010-03-14',
      'priya.r',
      'zoltan',
    ])
      for (const includeArchived of [false, true]) {
        const first = await find(q, { limit: 1, withTotal: true, includeArchived });
        expect({ q, includeArchived, total: first.total }).toEqual({
          q,
          includeArchived,
          total: { count: await listed(q, { includeArchived }), capped: false },
        });
        if (first.nextCursor)
          expect((await find(q, { limit: 1, withTotal: true, cursor: first.nextCursor })).total).toBeUndefined();
      }
    expect((await find('', { limit: 1 })).total).toBeUndefined();
    const res = await owner.get(`/api/v1/practices/${p.practiceId}/patients?limit=1&withTotal=true`);
    expect(res.json().total).toEqual({ count: expect.any(Number), capped: false });
    expect(res.json().total.count).toBeGreaterThan(1);
  });

  it('answers the HTTP search as before ({items}) plus nextCursor, and refuses a bad cursor', async () => {
    const res = await owner.get(`/api/v1/practices/${p.practiceId}/patients?q=ravi&limit=1`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      items: [expect.objectContaining({ givenName: 'Ravi', familyName: 'Ramgoolam', phone: '+23057123456' })],
    });
    expect(res.json()).toHaveProperty('nextCursor');
    const bad = await owner.get(`/api/v1/practices/${p.practiceId}/patients?q=ravi&cursor=zzz`);
    expect(bad.json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe('search of several common words', () => {
  it('intersects words shared by thousands of patients: all of them, in order, pages without repeats, archived left out', async () => {
    const s = await makePractice(t.ctx);
    // 2,100 namesakes (every word "common"), a few near misses, one archived.
    await inPractice(t.db, s.practiceId, async (tx) => {
      await sql`
        INSERT INTO patients (practice_id, given_name, family_name, search_name, sort_name, status)
        SELECT ${s.practiceId}, g, f, lower(g) || ' ' || lower(f), lower(f) || ' ' || lower(g), CASE WHEN i = 7 THEN 'archived' ELSE 'active' END
        FROM generate_series(1, 2106) AS i,
          LATERAL (SELECT CASE WHEN i > 2103 THEN 'Priya' ELSE 'Ravi' END AS g, CASE WHEN i BETWEEN 2101 AND 2103 THEN 'Ramdin' ELSE 'Ramgoolam' END AS f) n`.execute(
        tx,
      );
      await sql`
        INSERT INTO patient_search_words (practice_id, patient_id, word, sort_name, search_name)
        SELECT practice_id, id, w, sort_name, search_name FROM patients, unnest(string_to_array(search_name, ' ')) AS w WHERE practice_id = ${s.practiceId}`.execute(
        tx,
      );
    });
    // Read on the words index alone, and (a low scan limit) by the GIN index past its first 500 entries.
    for (const scanLimit of [undefined, 500]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchPatients(t.ctx, {
          actor,
          practiceId: s.practiceId,
          q: 'ravi ramgoolam',
          limit: 100,
          cursor,
          scanLimit,
        });
        for (const item of page.items) expect(`${item.givenName} ${item.familyName}`).toBe('Ravi Ramgoolam');
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(2099);
      expect(new Set(seen).size).toBe(2099);
      // Namesakes share the word and the sort name: then by id.
      expect(seen).toEqual([...seen].sort());
    }
    const archived = await searchPatients(t.ctx, {
      actor,
      practiceId: s.practiceId,
      q: 'ramgoolam ravi',
      limit: 5,
      includeArchived: true,
    });
    expect(archived.items).toHaveLength(5);
  });

  it('finds the few patients two common words share far down the list, on the words index or through the GIN index', async () => {
    const s = await makePractice(t.ctx);
    // 2,050 Jean Aaron and 2,050 Pierre Tang: each word common. The 3 Jean Tang come after every
    // Jean Aaron in the list, past what is read of the words index before the GIN index is asked.
    // 45 Marc T1…T45 make "t" start more vocabulary words than are expanded one by one.
    await inPractice(t.db, s.practiceId, async (tx) => {
      await sql`
        INSERT INTO patients (practice_id, given_name, family_name, search_name, sort_name)
        SELECT ${s.practiceId}, g, f, lower(g) || ' ' || lower(f), lower(f) || ' ' || lower(g)
        FROM generate_series(1, 4148) AS i,
          LATERAL (SELECT CASE WHEN i <= 2050 OR i > 4145 THEN 'Jean' WHEN i <= 4100 THEN 'Pierre' ELSE 'Marc' END AS g,
                          CASE WHEN i <= 2050 THEN 'Aaron' WHEN i <= 4100 OR i > 4145 THEN 'Tang' ELSE 'T' || (i - 4100) END AS f) n`.execute(
        tx,
      );
      await sql`
        INSERT INTO patient_search_words (practice_id, patient_id, word, sort_name, search_name)
        SELECT practice_id, id, w, sort_name, search_name FROM patients, unnest(string_to_array(search_name, ' ')) AS w WHERE practice_id = ${s.practiceId}`.execute(
        tx,
      );
    });
    // The words joined the vocabulary by themselves (the trigger).
    const vocabulary = await inPractice(t.db, s.practiceId, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM patient_name_vocabulary`.execute(tx),
    );
    expect(vocabulary.rows[0]!.n).toBe(4 + 45 + 1);

    // Read to the end of the words index, and (a low scan limit) found by the GIN index instead.
    for (const scanLimit of [undefined, 1000]) {
      for (const q of ['jean tang', 'tang jean', 'jean t', 'je ta']) {
        const all = await searchPatients(t.ctx, { actor, practiceId: s.practiceId, q, limit: 20, scanLimit });
        expect(
          all.items.map((i) => `${i.givenName} ${i.familyName}`),
          q,
        ).toEqual(['Jean Tang', 'Jean Tang', 'Jean Tang']);
        expect(all.nextCursor).toBeNull();
        // Paged two at a time: the same three, in the same order.
        const first = await searchPatients(t.ctx, { actor, practiceId: s.practiceId, q, limit: 2, scanLimit });
        const second = await searchPatients(t.ctx, {
          actor,
          practiceId: s.practiceId,
          q,
          limit: 2,
          scanLimit,
          cursor: first.nextCursor!,
        });
        expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all.items.map((i) => i.id));
      }
    }
  });

  it('counts name words for search: at once after a bulk create, later in the background for patients added one by one', async () => {
    const s = await makePractice(t.ctx);
    const counts = async () =>
      Object.fromEntries(
        (
          await inPractice(t.db, s.practiceId, (tx) =>
            sql<{
              word: string;
              patients: number;
            }>`SELECT word, patients FROM patient_name_word_counts ORDER BY word`.execute(tx),
          )
        ).rows.map((r) => [r.word, r.patients]),
      );
    const person = (givenName: string, familyName: string) => ({ givenName, familyName });
    await createPatientsInBulk(t.ctx, {
      actor,
      practiceId: s.practiceId,
      patients: [person('Marie', 'Lam'), person('Marie', 'Wong'), person('Paul', 'Lam')],
    });
    expect(await counts()).toEqual({ lam: 2, marie: 2, paul: 1, wong: 1 });

    const zoe = await createPatient(t.ctx, { actor, practiceId: s.practiceId, patient: person('Zoé', 'Lam') });
    expect(await practicesWithUncountedWords(t.db)).toContain(s.practiceId);
    // The job its schedule queues every ten minutes.
    await enqueueJob(t.db, countNameWords, { tick: new Date().toISOString() });
    expect(await createBackgroundRunner(t.ctx, { schedules: false }).runDue()).toBe(1);
    expect(await counts()).toEqual({ lam: 3, marie: 2, paul: 1, wong: 1, zoe: 1 });
    expect(await practicesWithUncountedWords(t.db)).not.toContain(s.practiceId);

    // A rename moves the counts at the next count; a word nobody bears any more stays, at zero.
    await updatePatient(t.ctx, {
      actor,
      practiceId: s.practiceId,
      patientId: zoe.id,
      patch: { givenName: 'Anna', familyName: 'Wong' },
      expectedVersion: zoe.version,
    });
    await refreshNameWordCounts(t.db, s.practiceId);
    expect(await counts()).toEqual({ anna: 1, lam: 2, marie: 2, paul: 1, wong: 2, zoe: 0 });
  });
});

describe('duplicates and merge', () => {
  it('warns of a likely duplicate on create: the same phone, or a similar name with the same birth date', async () => {
    const first = (
      await reception.post(`${base}/patients`, {
        givenName: 'Vikash',
        familyName: 'Doorgakant',
        phone: '57661234',
        dateOfBirth: '1990-05-05',
      })
    ).json();
    const samePhone = (
      await reception.post(`${base}/patients`, { givenName: 'Someone', familyName: 'Else', phone: '+230 5766 1234' })
    ).json();
    expect(samePhone.warnings.possibleDuplicates.map((d: { id: string }) => d.id)).toEqual([first.id]);
    const similar = (
      await reception.post(`${base}/patients`, {
        givenName: 'Vikas',
        familyName: 'Doorgakant',
        dateOfBirth: '1990-05-05',
      })
    ).json();
    expect(similar.warnings.possibleDuplicates.map((d: { id: string }) => d.id)).toEqual([first.id]);
    const otherDay = (
      await reception.post(`${base}/patients`, {
        givenName: 'Vikas',
        familyName: 'Doorgakant',
        dateOfBirth: '1991-05-05',
      })
    ).json();
    expect(otherDay.warnings.possibleDuplicates).toEqual([]);
    const listed = (await reception.get(`${base}/patients/${first.id}/duplicates`)).json();
    expect(listed.items.map((d: { id: string }) => d.id).sort()).toEqual([samePhone.id, similar.id].sort());
  });

  it('checks a patient not created yet: the same phone as typed, or a similar name with the same birth date; nothing is written', async () => {
    const original = (
      await reception.post(`${base}/patients`, {
        givenName: 'Hélène',
        familyName: 'Appadoo',
        phone: '57881234',
        dateOfBirth: '1975-09-09',
      })
    ).json();
    const elsewhere = await makePatientIn(other.practiceId, 'Helene', 'Appadoo', {
      phone: '57881234',
      dateOfBirth: '1975-09-09',
    });
    const before = await countPatients();
    const auditBefore = await inPractice(
      t.db,
      p.practiceId,
      async (tx) => (await tx.selectFrom('auditEvents').select('id').execute()).length,
    );
    const check = async (draft: Record<string, unknown>) => {
      const res = await reception.post(`${base}/patients/duplicate-check`, draft);
      expect(res.statusCode).toBe(200);
      return (res.json().items as { id: string }[]).map((d) => d.id);
    };

    // The number as people type it, with or without +230 and spaces.
    expect(await check({ phones: ['5788 1234'] })).toEqual([original.id]);
    expect(await check({ givenName: 'Someone', familyName: 'Else', phones: ['+230 5788 1234'] })).toEqual([
      original.id,
    ]);
    // Accents folded like the search: "Helene" is Hélène; the birth date must match too.
    expect(await check({ givenName: 'Helene', familyName: 'Appadoo', dateOfBirth: '1975-09-09' })).toEqual([
      original.id,
    ]);
    expect(await check({ givenName: 'Helene', familyName: 'Appadoo', dateOfBirth: '1975-09-10' })).toEqual([]);
    expect(await check({ givenName: 'Somebody', familyName: 'Different', dateOfBirth: '1975-09-09' })).toEqual([]);
    // A number still being typed is left out, not refused; an empty draft finds nothing.
    expect(await check({ phones: ['5788'] })).toEqual([]);
    expect(await check({})).toEqual([]);
    expect(
      await check({ phones: ['5788'], givenName: 'Hélène', familyName: 'Appadoo', dateOfBirth: '1975-09-09' }),
    ).toEqual([original.id]);

    // Only this practice's patients, never a merged record.
    expect(await check({ phones: ['57881234'] })).not.toContain(elsewhere);
    const twin = (
      await reception.post(`${base}/patients`, { givenName: 'Helen', familyName: 'Appadoo', phone: '57881234' })
    ).json();
    expect((await check({ phones: ['57881234'] })).sort()).toEqual([original.id, twin.id].sort());
    await reception.post(`${base}/patients/${twin.id}/merge`, { intoPatientId: original.id });
    expect(await check({ phones: ['57881234'] })).toEqual([original.id]);

    // Checking wrote nothing: only the twin's creation and merge were recorded.
    expect(await countPatients()).toBe(before + 1);
    const auditAfter = await inPractice(
      t.db,
      p.practiceId,
      async (tx) => (await tx.selectFrom('auditEvents').select('id').execute()).length,
    );
    expect(auditAfter).toBe(auditBefore + 2);

    const bad = await reception.post(`${base}/patients/duplicate-check`, {
      dateOfBirth: '09/09/1975',
      phones: 'not a list',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'validation_failed',
      errors: expect.arrayContaining([
        expect.objectContaining({ path: 'dateOfBirth' }),
        expect.objectContaining({ path: 'phones' }),
      ]),
    });
  });

  it('merges: appointments, waitlist and recalls move, phones join without repeats, empty fields fill, a pointer stays', async () => {
    const survivor = (
      await reception.post(`${base}/patients`, {
        givenName: 'Imran',
        familyName: 'Joomun',
        phones: [{ number: '57220001', isWhatsApp: true }],
      })
    ).json();
    const dup = (
      await reception.post(`${base}/patients`, {
        givenName: 'Imraan',
        familyName: 'Joomun',
        dateOfBirth: '1980-02-02',
        email: 'imran@example.mu',
        phones: [{ number: '57220001' }, { number: '57220002', isWhatsApp: true }],
      })
    ).json();
    const start = mu(nextMonday(), '10:00');
    const appointment = await reception.post(`${base}/appointments`, {
      patientId: dup.id,
      appointmentTypeId: p.checkup,
      providerId: p.dentistId,
      chairId: p.chair1,
      start: start.toISOString(),
    });
    expect(appointment.statusCode).toBe(201);
    const recall = await reception.post(`${base}/recalls`, { patientId: dup.id, dueDate: '2030-01-01' });
    expect(recall.statusCode).toBe(201);
    await reception.post(`${base}/recalls`, { patientId: survivor.id, kind: 'hygiene', dueDate: '2030-02-01' });
    const waiting = await reception.post(`${base}/waitlist`, { patientId: dup.id, appointmentTypeId: p.checkup });
    expect(waiting.statusCode).toBe(201);

    const res = await reception.post(`${base}/patients/${dup.id}/merge`, { intoPatientId: survivor.id });
    expect(res.statusCode).toBe(200);
    expect(res.json().survivor).toMatchObject({
      id: survivor.id,
      givenName: 'Imran',
      dateOfBirth: '1980-02-02',
      email: 'imran@example.mu',
      phones: [
        { e164: '+23057220001', isWhatsApp: true },
        { e164: '+23057220002', isWhatsApp: false },
      ],
    });
    const moved = await inPractice(t.db, p.practiceId, async (tx) => ({
      appointment: (
        await tx
          .selectFrom('appointments')
          .select('patientId')
          .where('id', '=', appointment.json().id)
          .executeTakeFirstOrThrow()
      ).patientId,
      recalls: (
        await tx.selectFrom('recalls').select('patientId').where('patientId', 'in', [dup.id, survivor.id]).execute()
      ).map((r) => r.patientId),
      waitlist: (
        await tx
          .selectFrom('waitlistEntries')
          .select('patientId')
          .where('id', '=', waiting.json().id)
          .executeTakeFirstOrThrow()
      ).patientId,
      audit: await tx
        .selectFrom('auditEvents')
        .select('changes')
        .where('action', '=', 'patient.merged')
        .where('targetId', '=', dup.id)
        .executeTakeFirstOrThrow(),
    }));
    expect(moved.appointment).toBe(survivor.id);
    expect(moved.recalls).toEqual([survivor.id, survivor.id]);
    expect(moved.waitlist).toBe(survivor.id);
    expect(moved.audit.changes).toMatchObject({ mergedPatientId: dup.id, intoPatientId: survivor.id });
    const announced = await t.db
      .selectFrom('jobs')
      .select('payload')
      .where('name', '=', 'event:patients.merged')
      .execute();
    expect(announced).toContainEqual({
      payload: { practiceId: p.practiceId, mergedPatientId: dup.id, survivorPatientId: survivor.id },
    });

    const pointer = (await reception.get(`${base}/patients/${dup.id}`)).json();
    expect(pointer).toMatchObject({ status: 'archived', mergedIntoId: survivor.id, phones: [] });
    const found = (await reception.get(`${base}/patients?q=imraan`)).json();
    expect(found.items.map((i: { id: string }) => i.id)).not.toContain(dup.id);
    const history = (await reception.get(`${base}/patients/${survivor.id}/appointments`)).json();
    expect(history.items.map((a: { id: string }) => a.id)).toContain(appointment.json().id);

    // Twice, and into the merged record: refused with a code, nothing changes.
    const again = await reception.post(`${base}/patients/${dup.id}/merge`, { intoPatientId: survivor.id });
    expect([again.statusCode, again.json().code]).toEqual([409, 'patient_already_merged']);
    const intoMerged = await reception.post(`${base}/patients/${survivor.id}/merge`, { intoPatientId: dup.id });
    expect([intoMerged.statusCode, intoMerged.json().code]).toEqual([409, 'patient_already_merged']);
  });

  it('merges the clinical record and WhatsApp conversations into the survivor, carrying the medical alerts over', async () => {
    const clinic = await makePractice(t.ctx);
    const clinicOwner = await loggedIn(t.app, clinic.owner);
    const clinicDentist = await loggedIn(t.app, await makeMember(t.ctx, clinic.practiceId, 'dentist'));
    const phoneNumberId = '106540352277001';
    await connectChannel(t.ctx, clinic.practiceId, phoneNumberId);
    const url = (rest: string) => `/api/v1/practices/${clinic.practiceId}${rest}`;
    const record = (patientId: string, rest = '') => url(`/patients/${patientId}${rest}`);
    const waId = newWaId();
    const survivor = (
      await clinicOwner.post(url('/patients'), {
        givenName: 'Nadia',
        familyName: 'Hossenbux',
        dateOfBirth: '1979-04-12',
      })
    ).json();
    const dup = (
      await clinicOwner.post(url('/patients'), {
        givenName: 'Nadia',
        familyName: 'Hossenbux',
        phones: [{ number: `+${waId}`, isWhatsApp: true }],
      })
    ).json();

    // The duplicate's record: a finding, a signed note, a plan, an x-ray and medical alerts (the survivor has none).
    const composite = (await clinicOwner.post(url('/price-list/import-defaults')))
      .json()
      .items.find((i: { code: string }) => i.code === 'COMP-2');
    const finding = await clinicDentist.post(record(dup.id, '/chart/findings'), {
      tooth: 36,
      surfaces: 'MO',
      kind: 'caries',
      note: 'Deep lesion, close to the pulp',
    });
    expect(finding.statusCode, finding.body).toBe(201);
    const note = (
      await clinicDentist.post(record(dup.id, '/notes'), { body: 'Bitewings taken: caries 36 MO.' })
    ).json();
    expect((await clinicDentist.post(record(dup.id, `/notes/${note.id}/sign`))).json()).toMatchObject({
      status: 'signed',
    });
    const plan = (await clinicDentist.post(record(dup.id, '/treatment-plans'), { title: 'Restorative' })).json();
    expect(
      (
        await clinicDentist.post(record(dup.id, `/treatment-plans/${plan.id}/items`), {
          procedureId: composite.id,
          tooth: 36,
          surfaces: 'MO',
        })
      ).statusCode,
    ).toBe(201);
    const xray = await clinicDentist.post(record(dup.id, '/attachments'), {
      kind: 'xray',
      fileName: 'bitewing.png',
      mimeType: 'image/png',
      contentBase64: XRAY_PNG.toString('base64'),
    });
    expect(xray.statusCode, xray.body).toBe(201);
    const alerts = { allergies: ['Penicillin'], conditions: ['Asthma'], medications: ['Salbutamol inhaler'] };
    expect((await clinicDentist.request('PUT', record(dup.id, '/alerts'), alerts)).statusCode).toBe(200);
    expect((await clinicDentist.get(record(survivor.id, '/alerts'))).json()).toEqual({
      allergies: [],
      conditions: [],
      medications: [],
    });

    // She writes on WhatsApp from the duplicate's number: the conversation is linked to the duplicate.
    await patientWrites(t, { phoneNumberId, from: waId, profileName: 'Nadia H' });
    await workers(t).processWebhooks();
    const conversations = inbox(clinicOwner, clinic.practiceId);
    const [conversation] = (await conversations.list()).items;
    expect((await conversations.detail(conversation!.id)).patient).toMatchObject({ id: dup.id });

    // She asked for a copy of her data under the duplicate record.
    const request = await clinicOwner.post(`/api/v1/practices/${clinic.practiceId}/privacy/requests`, {
      patientId: dup.id,
      type: 'access',
    });
    expect(request.statusCode, request.body).toBe(201);

    const merged = await clinicOwner.post(record(dup.id, '/merge'), { intoPatientId: survivor.id });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json().survivor).toMatchObject({
      id: survivor.id,
      hasAlerts: true,
      phones: [{ e164: `+${waId}`, isWhatsApp: true }],
    });

    // All of it is the survivor's now, as the dentist reads the survivor's record.
    const chart = (await clinicDentist.get(record(survivor.id, '/chart'))).json();
    expect(chart.findings).toEqual([
      expect.objectContaining({
        id: finding.json().id,
        tooth: 36,
        surfaces: ['M', 'O'],
        kind: 'caries',
        note: 'Deep lesion, close to the pulp',
      }),
    ]);
    const notes = (await clinicDentist.get(record(survivor.id, '/notes'))).json();
    expect(notes.items).toEqual([
      expect.objectContaining({
        id: note.id,
        patientId: survivor.id,
        status: 'signed',
        body: 'Bitewings taken: caries 36 MO.',
      }),
    ]);
    const plans = (await clinicDentist.get(record(survivor.id, '/treatment-plans'))).json();
    expect(plans.items).toEqual([
      expect.objectContaining({
        id: plan.id,
        patientId: survivor.id,
        items: [expect.objectContaining({ procedureCode: 'COMP-2', tooth: 36 })],
      }),
    ]);
    const documents = (await clinicDentist.get(record(survivor.id, '/attachments'))).json();
    expect(documents.items).toEqual([
      expect.objectContaining({ id: xray.json().id, patientId: survivor.id, fileName: 'bitewing.png' }),
    ]);
    const content = await clinicDentist.get(record(survivor.id, `/attachments/${xray.json().id}/content`));
    expect(content.statusCode).toBe(200);
    expect(content.rawPayload.equals(XRAY_PNG)).toBe(true);
    expect((await clinicDentist.get(record(survivor.id, '/alerts'))).json()).toEqual(alerts);
    const detail = await conversations.detail(conversation!.id);
    expect(detail.patient).toMatchObject({ id: survivor.id, name: 'Nadia Hossenbux' });
    expect(detail.patientMatches.map((m: { id: string }) => m.id)).toEqual([survivor.id]);

    // The merged record points at the survivor and holds nothing of its own any more.
    expect((await clinicOwner.get(record(dup.id))).json()).toMatchObject({
      status: 'archived',
      mergedIntoId: survivor.id,
      phones: [],
    });
    expect((await clinicDentist.get(record(dup.id, '/chart'))).json().code).toBe('patient_not_found');
    const left = await inPractice(t.db, clinic.practiceId, async (tx) => {
      const count = async (
        table:
          | 'chartFindings'
          | 'clinicalNotes'
          | 'treatmentPlans'
          | 'attachments'
          | 'whatsappConversations'
          | 'privacyRequests',
      ) =>
        Number(
          (
            await tx
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .where('patientId', '=', dup.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      return [
        await count('chartFindings'),
        await count('clinicalNotes'),
        await count('treatmentPlans'),
        await count('attachments'),
        await count('whatsappConversations'),
        await count('privacyRequests'),
      ];
    });
    expect(left).toEqual([0, 0, 0, 0, 0, 0]);
    const requests = await clinicOwner.get(`/api/v1/practices/${clinic.practiceId}/privacy/requests`);
    expect(requests.json().requests).toEqual([
      expect.objectContaining({ id: request.json().id, patient: { id: survivor.id, name: 'Nadia Hossenbux' } }),
    ]);
    const audit = await inPractice(t.db, clinic.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select('changes')
        .where('action', '=', 'patient.merged')
        .where('targetId', '=', dup.id)
        .executeTakeFirstOrThrow(),
    );
    expect(audit.changes).toMatchObject({
      intoPatientId: survivor.id,
      filledFields: expect.arrayContaining(['alertsSealed']),
    });
  });

  it('refuses a merge into itself and across practices', async () => {
    const a = (await reception.post(`${base}/patients`, { givenName: 'Self', familyName: 'Merge' })).json();
    const self = await reception.post(`${base}/patients/${a.id}/merge`, { intoPatientId: a.id });
    expect([self.statusCode, self.json().code]).toEqual([422, 'patient_merge_invalid']);
    const foreign = await makePatientIn(other.practiceId, 'Other', 'Practice');
    const across = await reception.post(`${base}/patients/${a.id}/merge`, { intoPatientId: foreign });
    expect([across.statusCode, across.json().code]).toEqual([404, 'patient_not_found']);
    expect((await reception.get(`${base}/patients/${a.id}`)).json()).toMatchObject({
      status: 'active',
      mergedIntoId: null,
    });
  });

  it('rolls the whole merge back when a data owner fails to move its rows', async () => {
    const { mergePatient } = await import('../src/modules/patients/merge.service.js');
    const a = await makePatientIn(p.practiceId, 'Roll', 'Back');
    const b = await makePatientIn(p.practiceId, 'Rol', 'Back');
    const failing = {
      ...t.ctx.dataOwners[0]!,
      movePatient: async () => {
        throw new Error('mover failed');
      },
    };
    const ctx = { ...t.ctx, dataOwners: [...t.ctx.dataOwners, failing] };
    await expect(
      mergePatient(ctx, { actor, practiceId: p.practiceId, patientId: a, intoPatientId: b }),
    ).rejects.toThrow('mover failed');
    expect((await reception.get(`${base}/patients/${a}`)).json()).toMatchObject({
      status: 'active',
      mergedIntoId: null,
    });
  });
});

describe('medical alerts', () => {
  let patientId: string;
  const alerts = { allergies: ['Penicillin'], conditions: ['Diabète type 2'], medications: ['Metformin 500mg'] };

  beforeAll(async () => {
    patientId = await makePatientIn(p.practiceId, 'Alerted', 'Patient');
  });

  it('stores alerts sealed: the bytes in the table do not contain the text', async () => {
    const put = await dentist.request('PUT', `${base}/patients/${patientId}/alerts`, alerts);
    expect(put.statusCode).toBe(200);
    const raw = await inPractice(t.db, p.practiceId, (tx) =>
      tx.selectFrom('patients').select('alertsSealed').where('id', '=', patientId).executeTakeFirstOrThrow(),
    );
    expect(raw.alertsSealed).toBeInstanceOf(Buffer);
    const bytes = raw.alertsSealed!.toString('latin1');
    for (const text of ['Penicillin', 'Metformin', 'allergies', 'Diab']) expect(bytes).not.toContain(text);
    const { rows } = await sql<{
      dump: string;
    }>`SELECT row_to_json(p)::text AS dump FROM patients p WHERE id = ${patientId}`.execute(t.db);
    expect(rows[0]!.dump).not.toContain('Penicillin');
    expect((await reception.get(`${base}/patients/${patientId}`)).json()).toMatchObject({ hasAlerts: true });
  });

  it('lets clinical roles read them, each read audited; a receptionist gets 403', async () => {
    const read = await dentist.get(`${base}/patients/${patientId}/alerts`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(alerts);
    const denied = await reception.get(`${base}/patients/${patientId}/alerts`);
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'forbidden']);
    const deniedWrite = await reception.request('PUT', `${base}/patients/${patientId}/alerts`, alerts);
    expect(deniedWrite.statusCode).toBe(403);
    await owner.get(`${base}/patients/${patientId}/alerts`);
    const views = await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select(['actorUserId', 'changes'])
        .where('action', '=', 'clinical.alerts_viewed')
        .where('targetId', '=', patientId)
        .orderBy('seq')
        .execute(),
    );
    expect(views.map((v) => v.actorUserId)).toEqual([p.dentist.id, p.owner.id]);
  });

  it('shows the owner, and only the owner, who opened the clinical record', async () => {
    const log = await owner.get(`${base}/patients/${patientId}/access-log`);
    expect(log.statusCode).toBe(200);
    expect(log.json().items.map((e: { action: string; actorName: string }) => [e.action, e.actorName])).toEqual([
      ['clinical.alerts_viewed', 'Owner Test'],
      ['clinical.alerts_viewed', 'dentist Test'],
      ['clinical.alerts_updated', 'dentist Test'],
    ]);
    for (const client of [dentist, reception]) {
      const res = await client.get(`${base}/patients/${patientId}/access-log`);
      expect([res.statusCode, res.json().code]).toEqual([403, 'forbidden']);
    }
  });
});

describe('phone lookup for WhatsApp', () => {
  it('returns the patients with a number and the children whose guardian has it', async () => {
    const l = await makePractice(t.ctx);
    const mother = await makePatientIn(l.practiceId, 'Sunita', 'Gopaul', {
      phones: [{ number: '57551000', isWhatsApp: true }],
    });
    const son = await makePatientIn(l.practiceId, 'Noah', 'Gopaul', { guardianPatientId: mother });
    const daughter = await makePatientIn(l.practiceId, 'Léa', 'Gopaul', {
      guardianContact: { name: 'Sunita Gopaul', phone: '5755 1000', relationship: 'mother' },
    });
    await makePatientIn(l.practiceId, 'Other', 'Family', { phone: '57551001' });
    const found = await findPatientsByPhone(t.ctx, l.practiceId, '+23057551000');
    expect(found.map((f) => f.id).sort()).toEqual([mother, son, daughter].sort());
    expect(await findPatientsByPhone(t.ctx, p.practiceId, '+23057551000')).toEqual([]);
  });
});

describe('roles', () => {
  it('lets a hygienist read patients but not merge them', async () => {
    const hygienist = await loggedIn(t.app, p.hygienist);
    const a = await makePatientIn(p.practiceId, 'Hyg', 'One');
    const b = await makePatientIn(p.practiceId, 'Hyg', 'Two');
    expect((await hygienist.get(`${base}/patients/${a}`)).statusCode).toBe(200);
    const merge = await hygienist.post(`${base}/patients/${a}/merge`, { intoPatientId: b });
    expect([merge.statusCode, merge.json().code]).toEqual([403, 'forbidden']);
    void makeMember;
  });
});
