import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_OWNERS } from '../src/registry.js';
import { systemActor } from '../src/platform/access.js';
import { verifyAuditChain } from '../src/platform/audit.js';
import { type ErasureOutcome, type PatientExport, sealedStoresOf } from '../src/platform/data-owners.js';
import { inPractice } from '../src/platform/tenancy.js';
import { sendInboxMessage } from '../src/modules/messaging/conversations.service.js';
import { openMessage, openWebhookBody, openerOutside } from '../src/modules/messaging/message-words.js';
import {
  ERASED_NAME,
  erasePatientDetailsIn,
  exportPatientDetailsIn,
  identityNeededUntil,
} from '../src/modules/patients/patient-privacy.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { searchPatients } from '../src/modules/patients/search.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { localDateOf } from '../src/modules/scheduling/availability.js';
import { type Client, loggedIn, makePractice, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';
import { connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Each module's data owner keeps the privacy promises: a copy of one patient's data holds all of
 * it (clinical text decrypted, documents and WhatsApp media as files) and nothing of anyone else;
 * an erasure removes what may go (gone from the database, the file store and search), keeps the
 * rest with its date, and can run twice; the retention purges honour holds and dry runs; the
 * audit chain still verifies.
 */

const actor = systemActor('test');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 0x5a)]);
const MEDIA = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 0x7e)]);

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let base: string;
let dentist: Client;
let reception: Client;
const zanele = { id: '', waId: newWaId() }; // a minor, erased in the tests
const kiran = { id: '', waId: newWaId() }; // the other patient of the practice
let elsewhere: string; // a patient of another practice
let completedStart: Date;

const stores = () => sealedStoresOf(t.ctx);
const inP = <T>(fn: Parameters<typeof inPractice<T>>[2]) => inPractice(t.db, p.practiceId, fn);

async function fillRecord(patientId: string, words: string, waId: string, phoneNumberId: string) {
  const url = `${base}/patients/${patientId}`;
  expect(
    (
      await dentist.post(`${url}/chart/findings`, {
        tooth: 36,
        surfaces: 'MO',
        kind: 'caries',
        note: `${words} finding`,
      })
    ).statusCode,
  ).toBe(201);
  const plan = (await dentist.post(`${url}/treatment-plans`, { title: `${words} plan` })).json();
  const procedures = (await dentist.get(`${base}/price-list`)).json().items as { id: string; code: string }[];
  expect(
    (
      await dentist.post(`${url}/treatment-plans/${plan.id}/items`, {
        procedureId: procedures.find((x) => x.code === 'EXAM')!.id,
        notes: `${words} item`,
      })
    ).statusCode,
  ).toBe(201);
  const note = (await dentist.post(`${url}/notes`, { body: `${words} note body` })).json();
  expect((await dentist.post(`${url}/notes/${note.id}/sign`)).statusCode).toBe(200);
  expect((await dentist.post(`${url}/notes/${note.id}/addenda`, { body: `${words} addendum` })).statusCode).toBe(201);
  const up = await dentist.post(`${url}/attachments`, {
    kind: 'xray',
    fileName: `${words} xray.png`,
    mimeType: 'image/png',
    contentBase64: PNG.toString('base64'),
  });
  expect(up.statusCode, up.body).toBe(201);
  const alerts = await dentist.request('PUT', `${url}/alerts`, {
    allergies: [`${words} penicillin`],
    conditions: [],
    medications: [],
  });
  expect(alerts.statusCode, alerts.body).toBe(200);
  expect(
    (
      await reception.post(`${base}/waitlist`, {
        patientId,
        appointmentTypeId: p.checkup,
        preferredWeekdays: [2],
        notes: `${words} waitlist`,
      })
    ).statusCode,
  ).toBe(201);
  expect(
    (await reception.post(`${base}/recalls`, { patientId, dueDate: '2027-06-01', notes: `${words} recall` }))
      .statusCode,
  ).toBe(201);
  const request = await reception.post(`${base}/privacy/requests`, {
    patientId,
    type: 'correction',
    note: `${words} request note`,
    proposedChange: { field: 'address', proposedValue: `${words} new address` },
  });
  expect(request.statusCode, request.body).toBe(201);
  const verified = await reception.post(`${base}/privacy/requests/${request.json().id}/verify`, {
    method: 'id_document',
    note: `${words} identity card`,
  });
  expect(verified.statusCode, verified.body).toBe(200);
  await patientWrites(t, {
    phoneNumberId,
    from: waId,
    profileName: `${words} profile`,
    message: { type: 'text', text: { body: `${words} message` } },
  });
}

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  p = await makeSchedulingPractice(t.ctx);
  base = `/api/v1/practices/${p.practiceId}`;
  const phoneNumberId = `1099${String(process.pid).padStart(6, '0')}0001`;
  await connectChannel(t.ctx, p.practiceId, phoneNumberId);
  dentist = await loggedIn(t.app, p.dentist);
  reception = await loggedIn(t.app, p.receptionist);
  const owner = await loggedIn(t.app, p.owner);
  expect((await owner.post(`${base}/price-list/import-defaults`)).statusCode).toBe(200);
  for (const [who, given, family, dob, preferred] of [
    [zanele, 'Zanele', 'Moutou', '2012-03-04', 'Bijou'],
    [kiran, 'Kiran', 'Boodhoo', '1980-05-06', 'Toto'],
  ] as const) {
    who.id = (
      await createPatient(t.ctx, {
        actor,
        practiceId: p.practiceId,
        patient: {
          givenName: given,
          familyName: family,
          preferredName: preferred,
          dateOfBirth: dob,
          email: `${given.toLowerCase()}@example.mu`,
          address: `${family} street`,
          phones: [{ number: `+${who.waId}`, label: 'mobile', isWhatsApp: true }],
        },
      })
    ).id;
  }
  const other = await makePractice(t.ctx);
  elsewhere = (
    await createPatient(t.ctx, {
      actor,
      practiceId: other.practiceId,
      patient: { givenName: 'Zanele', familyName: 'Elsewhere' },
    })
  ).id;

  await fillRecord(zanele.id, 'Zanele', zanele.waId, phoneNumberId);
  await fillRecord(kiran.id, 'Kiran', kiran.waId, phoneNumberId);
  const w = workers(t);
  await w.processWebhooks();
  // Each conversation linked to its patient (the number is theirs alone), then a photo from staff.
  await inP(async (tx) => {
    for (const who of [zanele, kiran])
      await tx.updateTable('whatsappConversations').set({ patientId: who.id }).where('waId', '=', who.waId).execute();
  });
  const conversation = await inP((tx) =>
    tx.selectFrom('whatsappConversations').select('id').where('waId', '=', zanele.waId).executeTakeFirstOrThrow(),
  );
  await sendInboxMessage(t.ctx, {
    actor: systemActor('inbox'),
    practiceId: p.practiceId,
    conversationId: conversation.id,
    message: { type: 'media', fileName: 'aftercare.png', mimeType: 'image/png', dataBase64: MEDIA.toString('base64') },
  });
  await inP((tx) =>
    tx
      .insertInto('assistantConsents')
      .values({
        practiceId: p.practiceId,
        conversationId: conversation.id,
        patientId: zanele.id,
        granted: true,
        wording: 'May we write to you on WhatsApp?',
        language: 'en',
        givenAt: new Date(),
      })
      .execute(),
  );

  // Zanele: one visit that took place, one still to come.
  const monday = nextMonday();
  const book = (start: Date, patientId: string) =>
    bookAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: p.practiceId,
      booking: {
        appointmentTypeId: p.checkup,
        providerId: p.dentist.id,
        chairId: p.chair1,
        start,
        source: 'phone',
        patientId,
      },
    });
  const seen = await book(mu(monday, '09:00'), zanele.id);
  completedStart = mu(monday, '09:00');
  await book(mu(monday, '11:00'), zanele.id);
  await book(mu(monday, '14:00'), kiran.id);
  await inP((tx) =>
    tx
      .updateTable('appointments')
      .set({ status: 'completed', notes: 'Zanele visit notes' })
      .where('id', '=', seen.id)
      .execute(),
  );
}, 120_000);
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

async function exportOf(patientId: string, practiceId = p.practiceId) {
  return inPractice(t.db, practiceId, async (tx) => {
    const parts: Record<string, PatientExport> = {};
    for (const owner of DATA_OWNERS)
      parts[owner.module] = await owner.exportPatient(tx, { practiceId, patientId, stores: stores() });
    parts.patients = await exportPatientDetailsIn(tx, { practiceId, patientId, stores: stores() });
    return parts;
  });
}

const words = (parts: Record<string, PatientExport>) =>
  JSON.stringify(Object.fromEntries(Object.entries(parts).map(([k, { files: _f, ...rest }]) => [k, rest])));

async function eraseAll(patientId: string) {
  return inP(async (tx) => {
    const outcomes: Record<string, ErasureOutcome> = {};
    for (const owner of DATA_OWNERS)
      outcomes[owner.module] = await owner.erasePatient(tx, {
        practiceId: p.practiceId,
        patientId,
        actor,
        stores: stores(),
      });
    outcomes.patients = await erasePatientDetailsIn(tx, {
      practiceId: p.practiceId,
      patientId,
      identityNeededUntil: identityNeededUntil(Object.values(outcomes)),
    });
    return outcomes;
  });
}

const find = async (q: string) =>
  (await searchPatients(t.ctx, { actor, practiceId: p.practiceId, q, limit: 20 })).items.map((i) => i.id);

describe('a copy of one patient’s data', () => {
  it('holds every module’s data about them, decrypted, with files, and nothing of anyone else', async () => {
    const parts = await exportOf(zanele.id);
    const text = words(parts);
    for (const w of [
      'finding',
      'plan',
      'item',
      'note body',
      'addendum',
      'xray.png',
      'penicillin',
      'waitlist',
      'recall',
      'message',
      'request note',
      'new address',
      'identity card',
    ])
      expect(text).toContain(`Zanele ${w}`);
    expect(text).not.toContain('Kiran');
    expect(text).not.toContain('Elsewhere');

    const scheduling = parts.scheduling as { appointments: { status: string; statusHistory: unknown[] }[] };
    expect(scheduling.appointments.map((a) => a.status)).toEqual(['completed', 'booked']);
    expect(scheduling.appointments[1]!.statusHistory).toEqual([expect.objectContaining({ to: 'booked' })]);
    const clinical = parts.clinical as {
      clinicalNotes: { body: string; status: string; addenda: { body: string }[] }[];
    };
    expect(clinical.clinicalNotes).toEqual([
      expect.objectContaining({
        body: 'Zanele note body',
        status: 'signed',
        addenda: [expect.objectContaining({ body: 'Zanele addendum' })],
      }),
    ]);
    expect(parts.clinical!.files!.map((f) => f.name)).toEqual([
      expect.stringMatching(/^documents\/.*Zanele_xray\.png$/),
    ]);
    expect(Buffer.compare(await parts.clinical!.files![0]!.read(), PNG)).toBe(0);

    const messaging = parts.messaging as {
      whatsappConversations: { number: string; messages: { direction: string; text: string; file: string | null }[] }[];
    };
    expect(messaging.whatsappConversations).toHaveLength(1);
    expect(messaging.whatsappConversations[0]!.number).toBe(`+${zanele.waId}`);
    expect(messaging.whatsappConversations[0]!.messages.map((m) => [m.direction, m.text])).toEqual([
      ['inbound', 'Zanele message'],
      ['outbound', '[image]'],
    ]);
    expect(Buffer.compare(await parts.messaging!.files![0]!.read(), MEDIA)).toBe(0);
    expect((parts.assistant as { whatsappConsents: unknown[] }).whatsappConsents).toEqual([
      expect.objectContaining({ granted: true, wordingShown: 'May we write to you on WhatsApp?' }),
    ]);

    const patients = parts.patients as {
      phones: { number: string }[];
      medicalAlerts: { allergies: string[] };
      accessLog: { action: string; by: string }[];
    };
    expect(patients.phones).toEqual([{ number: `+${zanele.waId}`, label: 'mobile', whatsApp: true }]);
    expect(patients.medicalAlerts.allergies).toEqual(['Zanele penicillin']);
    expect(patients.accessLog.map((e) => e.action)).toContain('clinical.note_signed');

    // The other practice's patient: nothing of this practice (row-level security and the owners' filters).
    expect(words(await exportOf(elsewhere))).not.toContain('Moutou');
  });
});

describe('erasure', () => {
  let first: Record<string, ErasureOutcome>;

  it('erases words, contact details, files and what is to come; keeps the record with its date', async () => {
    const mediaKeys = await inP((tx) =>
      tx.selectFrom('whatsappMessages').select('mediaFileKey').where('mediaFileKey', 'is not', null).execute(),
    );
    expect(mediaKeys.length).toBeGreaterThan(0);
    first = await eraseAll(zanele.id);

    // 11 years after the visit comes before her 25th birthday (4 March 2037): the later one counts.
    const visitPlus11 = new Date(`${completedStart.toISOString().slice(0, 10)}T00:00:00Z`);
    visitPlus11.setUTCDate(visitPlus11.getUTCDate() + 4018);
    const until =
      visitPlus11.toISOString().slice(0, 10) > '2037-03-04' ? visitPlus11.toISOString().slice(0, 10) : '2037-03-04';
    expect(first.clinical!.kept.map((k) => [k.kind, k.until])).toEqual([
      ['chartFindings', until],
      ['treatmentPlans', until],
      ['clinicalNotes', until],
      ['documents', until],
    ]);
    expect(first.scheduling).toMatchObject({
      erased: { appointmentsCancelled: 1, waitlistEntries: 1, recalls: 1 },
      kept: [{ kind: 'appointments', until }],
    });
    expect(first.messaging!.erased).toMatchObject({ whatsappMessageContents: 2, whatsappContacts: 1 });
    expect(first.messaging!.kept[0]!.until).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(first.assistant!.kept.map((k) => k.kind)).toEqual(['whatsappConsents']);
    expect(first.patients).toMatchObject({ erased: { phones: 1, contactDetails: 1, identity: 0 } });
    expect(first.privacy).toMatchObject({
      erased: { rightsRequestDetails: 1 },
      kept: [expect.objectContaining({ kind: 'rightsRequests', until: null })],
    });
    expect(first.patients!.kept.map((k) => [k.kind, k.until])).toEqual([
      ['identity', until],
      ['medicalAlerts', until],
    ]);

    // Gone from the database and the file store.
    const dump = JSON.stringify(
      await inP(async (tx) => ({
        // Opened as the server reads them: what erasure left is what a reader gets (message-words.ts).
        messages: await Promise.all(
          (
            await tx.selectFrom('whatsappMessages').select(['id', 'practiceId', 'content', 'raw', 'sealed']).execute()
          ).map(async (m) => ({
            ...(await openMessage(openerOutside(t.db, t.ctx.config.encryptionKey, m.practiceId), m)),
            sealed: undefined,
          })),
        ),
        conversations: await tx.selectFrom('whatsappConversations').select(['waId', 'profileName']).execute(),
        patient: await tx.selectFrom('patients').selectAll().where('id', '=', zanele.id).execute(),
        phones: await tx.selectFrom('patientPhones').select('e164').execute(),
        waitlist: await tx.selectFrom('waitlistEntries').select('notes').execute(),
        recalls: await tx.selectFrom('recalls').select('notes').execute(),
        requests: await tx
          .selectFrom('privacyRequests')
          .select(['note', 'proposedChange', 'verificationNote'])
          .execute(),
      })),
    );
    for (const gone of [
      'Zanele message',
      'Zanele profile',
      zanele.waId,
      'zanele@example.mu',
      'Moutou street',
      'Zaneleou',
      'Zanele waitlist',
      'Zanele recall',
      'Zanele request note',
      'Zanele new address',
      'Zanele identity card',
    ])
      expect(dump).not.toContain(gone);
    expect(dump).toContain('Kiran message');
    expect(dump).toContain('Kiran new address');
    // The request itself stays, as proof it was answered: its type, state and field.
    const kept = await inP((tx) =>
      tx
        .selectFrom('privacyRequests')
        .select(['type', 'state', 'proposedChange'])
        .where('patientId', '=', zanele.id)
        .execute(),
    );
    expect(kept).toEqual([
      {
        type: 'correction',
        state: 'identity_verified',
        proposedChange: { field: 'address', proposedValue: '(erased)' },
      },
    ]);
    await expect(stores().files.get(mediaKeys[0]!.mediaFileKey!)).rejects.toThrow();
    // Bodies are sealed at rest (message-words.ts): opened here to see whose they are.
    const deliveries = (
      await t.db.selectFrom('whatsappWebhookDeliveries').select(['body', 'bodySealed']).execute()
    ).map((d) => openWebhookBody(t.ctx.config, d));
    expect(deliveries.some((d) => d.includes(zanele.waId))).toBe(false);
    expect(deliveries.some((d) => d.includes(kiran.waId))).toBe(true);
    const appointments = await inP((tx) =>
      tx.selectFrom('appointments').select('status').where('patientId', '=', zanele.id).orderBy('startsAt').execute(),
    );
    expect(appointments.map((a) => a.status)).toEqual(['completed', 'cancelled']);

    // Search: not by her number or preferred name any more; by her name while the record is kept.
    expect(await find(zanele.waId.slice(-7))).toEqual([]);
    expect(await find('Bijou')).toEqual([]);
    expect(await find('Moutou')).toEqual([zanele.id]);
    expect(await find('Kiran')).toEqual([kiran.id]);
    // The clinical record is whole: the signed note and the document still open.
    const copy = await exportOf(zanele.id);
    expect(words(copy)).toContain('Zanele note body');
    expect(Buffer.compare(await copy.clinical!.files![0]!.read(), PNG)).toBe(0);
  });

  it('names every kind it erased or kept, and says why it is kept, in English and French', async () => {
    for (const [module, outcome] of Object.entries(first)) {
      const kinds = [...Object.keys(outcome.erased), ...outcome.kept.map((k) => k.kind)];
      for (const kind of kinds) {
        expect(outcome.labels[kind]?.en, `${module} ${kind}`).toBeTruthy();
        expect(outcome.labels[kind]?.fr, `${module} ${kind}`).toBeTruthy();
        expect(outcome.labels[kind]?.fr, `${module} ${kind}`).not.toBe(outcome.labels[kind]?.en);
      }
      for (const k of outcome.kept) {
        expect(k.why.en, `${module} ${k.kind}`).toBeTruthy();
        expect(k.why.fr, `${module} ${k.kind}`).not.toBe(k.why.en);
      }
    }
  });

  it('is safe to run twice: nothing more to erase, the same things kept', async () => {
    const second = await eraseAll(zanele.id);
    for (const [module, outcome] of Object.entries(second)) {
      expect(
        Object.values(outcome.erased).every((n) => n === 0),
        module,
      ).toBe(true);
      expect(outcome.kept, module).toEqual(first[module]!.kept);
    }
  });
});

describe('retention purges', () => {
  const purge = (
    module: string,
    category: string,
    opts: { patientIds?: string[]; held?: string[]; dryRun?: boolean; before?: Date },
  ) =>
    inP((tx) =>
      DATA_OWNERS.find((o) => o.module === module)!.purge!(tx, {
        practiceId: p.practiceId,
        category,
        before: opts.before ?? new Date(Date.now() + 86_400_000),
        patientIds: opts.patientIds ?? [],
        heldPatientIds: opts.held ?? [],
        dryRun: opts.dryRun ?? false,
        now: new Date(),
        stores: stores(),
      }),
    );
  const clinicalRows = () =>
    inP(async (tx) => ({
      notes: (await tx.selectFrom('clinicalNotes').select('patientId').execute()).map((r) => r.patientId),
      documents: await tx.selectFrom('attachments').select(['patientId', 'storageKey']).execute(),
    }));

  it('the database itself keeps clinical rows: the app role cannot delete them, and the purge refuses a held patient', async () => {
    const kiransNotes = async () => (await clinicalRows()).notes.filter((id) => id === kiran.id).length;
    const before = await kiransNotes();
    expect(before).toBe(1);
    // The triggers' purge flag opens nothing for the app role, which has no DELETE on clinical tables.
    await expect(
      inP(async (tx) => {
        await sql`SELECT set_config('app.clinical_purge', 'on', true)`.execute(tx);
        await sql`DELETE FROM clinical_notes WHERE patient_id = ${kiran.id}::uuid`.execute(tx);
      }),
    ).rejects.toThrow(/permission denied/);
    // A hold in force (ending today on the practice's calendar still holds): the purge refuses.
    // Today in Mauritius, not in UTC: from 20:00 UTC the practice is a day ahead.
    for (const endsOn of [null, localDateOf(new Date(), 'Indian/Mauritius')])
      await expect(
        inP(async (tx) => {
          await tx
            .insertInto('legalHolds')
            .values({ practiceId: p.practiceId, patientId: kiran.id, reason: 'Insurer dispute', endsOn })
            .execute();
          await sql`SELECT purge_clinical_records(${kiran.id}::uuid)`.execute(tx);
        }),
      ).rejects.toThrow(/legal hold/);
    expect(await kiransNotes()).toBe(before);
  });

  it('every category with a rule has a purge; holds and dry runs are honoured; a second run finds nothing', async () => {
    for (const owner of DATA_OWNERS)
      for (const r of owner.retention()) if (r.rule) expect(owner.purge, `${owner.module} ${r.category}`).toBeDefined();

    expect((await purge('clinical', 'clinical_records', { patientIds: [zanele.id], held: [zanele.id] })).count).toBe(0);
    const dry = await purge('clinical', 'clinical_records', { patientIds: [zanele.id], dryRun: true });
    expect(dry.count).toBe(4); // the finding, the plan, the note and the document
    expect((await clinicalRows()).notes).toContain(zanele.id);
    const doc = (await clinicalRows()).documents.find((d) => d.patientId === zanele.id)!;

    expect((await purge('clinical', 'clinical_records', { patientIds: [zanele.id] })).count).toBe(dry.count);
    const after = await clinicalRows();
    expect(after.notes).toEqual([kiran.id]);
    expect(after.documents.map((d) => d.patientId)).toEqual([kiran.id]);
    await expect(stores().files.get(doc.storageKey)).rejects.toThrow();
    expect((await purge('clinical', 'clinical_records', { patientIds: [zanele.id] })).count).toBe(0);

    expect((await purge('scheduling', 'appointments', { patientIds: [zanele.id] })).count).toBe(2);
    expect((await purge('scheduling', 'appointments', { patientIds: [zanele.id] })).count).toBe(0);
    expect((await purge('privacy', 'rights_requests', { patientIds: [zanele.id], held: [zanele.id] })).count).toBe(0);
    expect((await purge('privacy', 'rights_requests', { patientIds: [zanele.id], dryRun: true })).count).toBe(1);
    expect((await purge('privacy', 'rights_requests', { patientIds: [zanele.id] })).count).toBe(1);
    expect((await purge('privacy', 'rights_requests', { patientIds: [zanele.id] })).count).toBe(0);
    expect(
      await inP((tx) => tx.selectFrom('privacyRequests').select('patientId').execute()).then((r) =>
        r.map((x) => x.patientId),
      ),
    ).toEqual([kiran.id]);

    // With nothing kept any more, the record is anonymised and leaves search.
    const last = await inP((tx) =>
      erasePatientDetailsIn(tx, { practiceId: p.practiceId, patientId: zanele.id, identityNeededUntil: null }),
    );
    expect(last).toMatchObject({ erased: { identity: 1 }, kept: [] });
    expect(await find('Moutou')).toEqual([]);
    expect(await find('Zanele')).toEqual([]);
    const row = await inP((tx) =>
      tx
        .selectFrom('patients')
        .select(['givenName', 'dateOfBirth', 'alertsSealed'])
        .where('id', '=', zanele.id)
        .executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ givenName: ERASED_NAME, dateOfBirth: null, alertsSealed: null });

    // Messages of a held patient stay; the others' words go once their time is up.
    expect((await purge('messaging', 'whatsapp_messages', { held: [kiran.id], dryRun: true })).count).toBe(0);
    expect((await purge('messaging', 'whatsapp_messages', { dryRun: true })).count).toBe(1);
    expect((await purge('messaging', 'whatsapp_messages', {})).count).toBe(1);
    expect((await purge('messaging', 'whatsapp_messages', {})).count).toBe(0);
    expect((await purge('messaging', 'webhook_payloads', { dryRun: true })).count).toBeGreaterThan(0);
    expect((await purge('platform', 'sessions', { dryRun: true, before: new Date(0) })).count).toBe(0);
    expect((await purge('assistant', 'assistant_consents', { held: [zanele.id] })).count).toBe(0);
    expect((await purge('assistant', 'assistant_consents', {})).count).toBe(1);
  });

  it('leaves the audit trail verifiable', async () => {
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: true });
  });
});
