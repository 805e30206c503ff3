import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { localToday } from '../src/modules/clinical/patient-record.js';
import { moveClinicalReferences } from '../src/modules/clinical/clinical.data-owner.js';
import { type Client, createTestApp, loggedIn, makePractice, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makePractice>>;
let otherPatientId: string;
let owner: Client;
let dentist: Client;
let hygienist: Client;
let reception: Client;
let otherOwner: Client;
let base: string;
let procedures: Record<string, { id: string; feeMinor: number }>;

const DAY = 86_400_000;
const patientUrl = (i = 0) => `${base}/patients/${p.patients[i]!.id}`;

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  other = await makePractice(t.ctx);
  otherPatientId = (
    await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: other.practiceId,
      patient: { givenName: 'Other', familyName: 'Practice' },
    })
  ).id;
  owner = await loggedIn(t.app, p.owner);
  dentist = await loggedIn(t.app, p.dentist);
  hygienist = await loggedIn(t.app, p.hygienist);
  reception = await loggedIn(t.app, p.receptionist);
  otherOwner = await loggedIn(t.app, other.owner);
  base = `/api/v1/practices/${p.practiceId}`;
  const imported = await owner.post(`${base}/price-list/import-defaults`);
  expect(imported.statusCode).toBe(200);
  procedures = Object.fromEntries(
    imported.json().items.map((i: { code: string; id: string; feeMinor: number }) => [i.code, i]),
  );
});
afterAll(() => t.close());

async function auditEvents(action: string) {
  return inPractice(t.db, p.practiceId, (tx) =>
    tx
      .selectFrom('auditEvents')
      .select(['actorUserId', 'action', 'targetType', 'targetId', 'changes'])
      .where('action', '=', action)
      .orderBy('seq')
      .execute(),
  );
}

describe('price list', () => {
  it('imports the default MUR fees once, and only the owner changes fees', async () => {
    expect(procedures.EXAM!.feeMinor).toBe(80_000);
    expect(procedures.SCALE!.feeMinor).toBe(150_000);
    expect(procedures['COMP-2']!.feeMinor).toBe(350_000);
    const again = (await owner.post(`${base}/price-list/import-defaults`)).json();
    expect(again.added).toBe(0);
    expect((await dentist.post(`${base}/price-list/import-defaults`)).statusCode).toBe(403);
    const list = await dentist.get(`${base}/price-list`);
    expect(list.json().items.length).toBeGreaterThanOrEqual(15);
    const created = await owner.post(`${base}/price-list`, {
      code: 'whiten',
      nameEn: 'Whitening',
      nameFr: 'Blanchiment',
      feeMinor: 1_200_000,
    });
    expect(created.json()).toMatchObject({ code: 'WHITEN', currency: 'MUR', resultKind: null, active: true });
    expect(
      (await owner.post(`${base}/price-list`, { code: 'WHITEN', nameEn: 'x', nameFr: 'x', feeMinor: 1 })).json().code,
    ).toBe('procedure_code_taken');
    const bad = await owner.post(`${base}/price-list`, {
      code: 'FILL',
      nameEn: 'Filling',
      nameFr: 'Obturation',
      feeMinor: 100,
      resultKind: 'restoration',
    });
    expect(bad.json().code).toBe('invalid_finding');
    const patched = await owner.patch(`${base}/price-list/${created.json().id}`, {
      feeMinor: 1_300_000,
      active: false,
    });
    expect(patched.json()).toMatchObject({ feeMinor: 1_300_000, active: false });
  });
});

describe('chart and treatment plan', () => {
  it('charts caries on 36 MO, plans and completes a composite filling, and the chart shows it now and not as of yesterday', async () => {
    const observedAt = new Date(Date.now() - 3 * DAY).toISOString();
    const caries = await dentist.post(`${patientUrl()}/chart/findings`, {
      tooth: 36,
      surfaces: 'mo',
      kind: 'caries',
      note: 'Deep lesion, close to pulp',
      observedAt,
    });
    expect(caries.statusCode).toBe(201);
    expect(caries.json()).toMatchObject({
      tooth: 36,
      surfaces: ['M', 'O'],
      kind: 'caries',
      note: 'Deep lesion, close to pulp',
      recordedBy: p.dentist.id,
      resolvedAt: null,
    });

    const plan = await dentist.post(`${patientUrl()}/treatment-plans`, { title: 'Restorative' });
    expect(plan.statusCode).toBe(201);
    const planUrl = `${patientUrl()}/treatment-plans/${plan.json().id}`;
    const withItem = await dentist.post(`${planUrl}/items`, {
      procedureId: procedures['COMP-2']!.id,
      tooth: 36,
      surfaces: 'M,O',
      notes: 'Use rubber dam',
    });
    expect(withItem.statusCode).toBe(201);
    const item = withItem.json().items[0];
    expect(item).toMatchObject({
      procedureCode: 'COMP-2',
      feeMinor: 350_000,
      currency: 'MUR',
      tooth: 36,
      surfaces: ['M', 'O'],
      status: 'planned',
      notes: 'Use rubber dam',
    });
    expect(withItem.json().totals).toMatchObject({ plannedMinor: 350_000, totalMinor: 350_000, completedMinor: 0 });
    await dentist.post(`${planUrl}/items`, { procedureId: procedures.SCALE!.id });

    // A fee change later does not alter what was planned.
    await owner.patch(`${base}/price-list/${procedures['COMP-2']!.id}`, { feeMinor: 360_000 });

    const tooEarly = await dentist.post(`${planUrl}/items/${item.id}/status`, { status: 'completed' });
    expect([tooEarly.statusCode, tooEarly.json().code]).toEqual([409, 'invalid_status_transition']);
    const accepted = await dentist.post(`${planUrl}/items/${item.id}/status`, { status: 'accepted' });
    expect(accepted.json()).toMatchObject({
      status: 'accepted',
      totals: { acceptedMinor: 350_000, plannedMinor: 150_000 },
    });
    const completed = await dentist.post(`${planUrl}/items/${item.id}/status`, { status: 'completed' });
    expect(completed.statusCode).toBe(200);
    const done = completed.json().items.find((i: { id: string }) => i.id === item.id);
    expect(done).toMatchObject({ status: 'completed', feeMinor: 350_000, completedBy: p.dentist.id });
    expect(done.findingId).toBeTruthy();
    expect(completed.json().totals).toMatchObject({
      completedMinor: 350_000,
      plannedMinor: 150_000,
      totalMinor: 500_000,
    });

    const now = (await dentist.get(`${patientUrl()}/chart`)).json();
    const on36 = now.findings.filter((f: { tooth: number }) => f.tooth === 36);
    expect(on36).toEqual([
      expect.objectContaining({
        id: done.findingId,
        kind: 'restoration',
        material: 'composite',
        surfaces: ['M', 'O'],
        sourceItemId: item.id,
      }),
    ]);

    const yesterday = localToday('Indian/Mauritius', new Date(Date.now() - DAY));
    const past = (await dentist.get(`${patientUrl()}/chart?asOf=${yesterday}`)).json();
    expect(past.asOf).toBe(yesterday);
    expect(past.findings.filter((f: { tooth: number }) => f.tooth === 36)).toEqual([
      expect.objectContaining({
        id: caries.json().id,
        kind: 'caries',
        surfaces: ['M', 'O'],
        resolution: 'treated',
        supersededBy: done.findingId,
      }),
    ]);
    const beforeCaries = (
      await dentist.get(`${patientUrl()}/chart?asOf=${localToday('Indian/Mauritius', new Date(Date.now() - 5 * DAY))}`)
    ).json();
    expect(beforeCaries.findings.filter((f: { tooth: number }) => f.tooth === 36)).toEqual([]);

    const plans = (await dentist.get(`${patientUrl()}/treatment-plans`)).json();
    expect(plans.items[0]).toMatchObject({
      id: plan.json().id,
      status: 'accepted',
      totals: { completedMinor: 350_000 },
    });
  });

  it('keeps the caries left on surfaces the filling did not cover', async () => {
    await dentist.post(`${patientUrl()}/chart/findings`, { tooth: 46, surfaces: 'MOD', kind: 'caries' });
    const plan = (await dentist.post(`${patientUrl()}/treatment-plans`, { title: 'Lower right' })).json();
    const planUrl = `${patientUrl()}/treatment-plans/${plan.id}`;
    const item = (
      await dentist.post(`${planUrl}/items`, { procedureId: procedures.AMAL!.id, tooth: 46, surfaces: 'OM' })
    ).json().items[0];
    await dentist.post(`${planUrl}/items/${item.id}/status`, { status: 'accepted' });
    const completed = (await dentist.post(`${planUrl}/items/${item.id}/status`, { status: 'completed' })).json();
    expect(completed.status).toBe('completed');
    const chart = (await dentist.get(`${patientUrl()}/chart`)).json();
    const on46 = chart.findings
      .filter((f: { tooth: number }) => f.tooth === 46)
      .map((f: { kind: string; surfaces: string[]; material: string | null }) => [
        f.kind,
        f.surfaces.join(''),
        f.material,
      ]);
    expect(on46).toEqual(
      expect.arrayContaining([
        ['restoration', 'MO', 'amalgam'],
        ['caries', 'D', null],
      ]),
    );
    expect(on46).toHaveLength(2);
  });

  it('declines planned and accepted items: their fees leave the totals, they cannot be completed or charted, and the plan completes once the rest is done', async () => {
    const plan = (await dentist.post(`${patientUrl(1)}/treatment-plans`, { title: 'Upper left molar' })).json();
    const planUrl = `${patientUrl(1)}/treatment-plans/${plan.id}`;
    const add = async (code: string, place: Record<string, unknown> = {}) => {
      const res = await dentist.post(`${planUrl}/items`, { procedureId: procedures[code]!.id, ...place });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().items.find((i: { procedureCode: string }) => i.procedureCode === code) as {
        id: string;
        feeMinor: number;
      };
    };
    const rootCanal = await add('RCT-MOL', { tooth: 26 });
    const crown = await add('CROWN-PFM', { tooth: 26 });
    const exam = await add('EXAM');
    const scale = await add('SCALE');
    expect([rootCanal.feeMinor, crown.feeMinor, exam.feeMinor, scale.feeMinor]).toEqual([
      1_200_000, 1_500_000, 80_000, 150_000,
    ]);
    const set = (item: { id: string }, status: string) =>
      dentist.post(`${planUrl}/items/${item.id}/status`, { status });
    const statusOf = (res: { json(): { items: { id: string; status: string }[] } }, item: { id: string }) =>
      res.json().items.find((i) => i.id === item.id)!.status;

    // Planned → declined: out of what is planned and of the total, counted apart; declining accepts nothing.
    const declinedPlanned = await set(rootCanal, 'declined');
    expect(declinedPlanned.statusCode).toBe(200);
    expect(statusOf(declinedPlanned, rootCanal)).toBe('declined');
    expect(declinedPlanned.json()).toMatchObject({
      status: 'draft',
      totals: {
        currency: 'MUR',
        plannedMinor: 1_730_000,
        acceptedMinor: 0,
        completedMinor: 0,
        declinedMinor: 1_200_000,
        totalMinor: 1_730_000,
      },
    });

    // Accepted → declined: the patient changed their mind about the crown.
    await set(crown, 'accepted');
    const accepted = await set(exam, 'accepted');
    expect(accepted.json()).toMatchObject({
      status: 'accepted',
      totals: { plannedMinor: 150_000, acceptedMinor: 1_580_000, declinedMinor: 1_200_000, totalMinor: 1_730_000 },
    });
    const declinedAccepted = await set(crown, 'declined');
    expect(statusOf(declinedAccepted, crown)).toBe('declined');
    expect(declinedAccepted.json().totals).toEqual({
      currency: 'MUR',
      plannedMinor: 150_000,
      acceptedMinor: 80_000,
      completedMinor: 0,
      declinedMinor: 2_700_000,
      totalMinor: 230_000,
    });
    const [declinedEvent] = (await auditEvents('clinical.plan_item_declined')).filter(
      (e) => (e.changes as { itemId: string }).itemId === crown.id,
    );
    expect(declinedEvent).toMatchObject({
      actorUserId: p.dentist.id,
      targetId: p.patients[1]!.id,
      changes: { from: 'accepted', to: 'declined' },
    });

    // A declined item is not done: completing it is refused, and nothing reaches the chart.
    for (const item of [rootCanal, crown]) {
      const refused = await set(item, 'completed');
      expect([refused.statusCode, refused.json().code]).toEqual([409, 'invalid_status_transition']);
      expect(refused.json().detail).toContain('declined');
      expect([(await set(item, 'declined')).statusCode]).toEqual([409]);
    }
    const chart = (await dentist.get(`${patientUrl(1)}/chart`)).json();
    expect(chart.findings.filter((f: { tooth: number }) => f.tooth === 26)).toEqual([]);
    const reread = (await dentist.get(`${patientUrl(1)}/treatment-plans`))
      .json()
      .items.find((x: { id: string }) => x.id === plan.id);
    expect(
      reread.items
        .filter((i: { status: string }) => i.status === 'declined')
        .map((i: { id: string; findingId: string | null; completedAt: string | null }) => [
          i.id,
          i.findingId,
          i.completedAt,
        ])
        .sort(),
    ).toEqual(
      [
        [rootCanal.id, null, null],
        [crown.id, null, null],
      ].sort(),
    );

    // The plan cannot be closed with work still to do; declining the rest completes it, and then it is settled.
    await set(exam, 'completed');
    const early = await dentist.patch(planUrl, { status: 'completed' });
    expect([early.statusCode, early.json().code]).toEqual([409, 'invalid_status_transition']);
    expect(early.json().detail).toContain('still to do');
    const done = await set(scale, 'declined');
    expect(done.json()).toMatchObject({
      status: 'completed',
      totals: {
        plannedMinor: 0,
        acceptedMinor: 0,
        completedMinor: 80_000,
        declinedMinor: 2_850_000,
        totalMinor: 80_000,
      },
    });
    expect([(await set(crown, 'accepted')).statusCode]).toEqual([409]);

    // A declined item the patient wants after all is accepted again, then done; a plan with nothing done is cancelled, not completed.
    const second = (await dentist.post(`${patientUrl(1)}/treatment-plans`, { title: 'Check-up' })).json();
    const secondUrl = `${patientUrl(1)}/treatment-plans/${second.id}`;
    const check = (await dentist.post(`${secondUrl}/items`, { procedureId: procedures.EXAM!.id })).json().items[0];
    await dentist.post(`${secondUrl}/items/${check.id}/status`, { status: 'declined' });
    expect((await dentist.patch(secondUrl, { status: 'accepted' })).statusCode).toBe(200);
    const nothingDone = await dentist.patch(secondUrl, { status: 'completed' });
    expect([nothingDone.statusCode, nothingDone.json().code]).toEqual([409, 'invalid_status_transition']);
    expect(
      (await dentist.post(`${secondUrl}/items/${check.id}/status`, { status: 'accepted' })).json().totals,
    ).toMatchObject({ acceptedMinor: 80_000, declinedMinor: 0 });
    const completed = await dentist.post(`${secondUrl}/items/${check.id}/status`, { status: 'completed' });
    expect(completed.json()).toMatchObject({
      status: 'completed',
      totals: { completedMinor: 80_000, declinedMinor: 0, totalMinor: 80_000 },
    });
  });

  it('refuses unknown teeth and surfaces with codes, and saves nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ tooth: 19, surfaces: 'O', kind: 'caries' }, 'invalid_tooth'],
      [{ tooth: 56, kind: 'missing' }, 'invalid_tooth'],
      [{ tooth: 36, surfaces: 'I', kind: 'caries' }, 'invalid_surface'],
      [{ tooth: 11, surfaces: 'O', kind: 'caries' }, 'invalid_surface'],
      [{ tooth: 36, surfaces: 'MX', kind: 'caries' }, 'invalid_surface'],
      [{ tooth: 36, kind: 'caries' }, 'invalid_finding'],
      [{ tooth: 36, surfaces: 'O', kind: 'crown' }, 'invalid_finding'],
      [{ tooth: 36, surfaces: 'O', kind: 'restoration' }, 'invalid_finding'],
    ];
    for (const [body, code] of cases) {
      const res = await dentist.post(`${patientUrl(1)}/chart/findings`, body);
      expect([JSON.stringify(body), res.statusCode, res.json().code]).toEqual([JSON.stringify(body), 400, code]);
      expect(res.json().detail).toBeTruthy();
    }
    const primary = await dentist.post(`${patientUrl(1)}/chart/findings`, { tooth: 55, surfaces: 'O', kind: 'caries' });
    expect(primary.statusCode).toBe(201);
    const anterior = await dentist.post(`${patientUrl(1)}/chart/findings`, {
      tooth: 21,
      surfaces: 'MIF',
      kind: 'caries',
    });
    expect(anterior.json().surfaces).toEqual(['M', 'I', 'B']);

    const plan = (await dentist.post(`${patientUrl(1)}/treatment-plans`, { title: 'Check' })).json();
    const badItem = await dentist.post(`${patientUrl(1)}/treatment-plans/${plan.id}/items`, {
      procedureId: procedures['COMP-1']!.id,
      tooth: 11,
      surfaces: 'O',
    });
    expect([badItem.statusCode, badItem.json().code]).toEqual([400, 'invalid_surface']);
    const noTooth = await dentist.post(`${patientUrl(1)}/treatment-plans/${plan.id}/items`, {
      procedureId: procedures.EXT!.id,
    });
    expect([noTooth.statusCode, noTooth.json().code]).toEqual([400, 'invalid_finding']);
    const plans = (await dentist.get(`${patientUrl(1)}/treatment-plans`)).json();
    expect(plans.items.find((x: { id: string }) => x.id === plan.id).items).toEqual([]);
  });

  it('removes a finding entered in error without deleting it', async () => {
    const f = (
      await dentist.post(`${patientUrl(2)}/chart/findings`, { tooth: 16, kind: 'watch', surfaces: 'P' })
    ).json();
    expect(f.surfaces).toEqual(['L']);
    const removed = await dentist.delete(`${patientUrl(2)}/chart/findings/${f.id}`);
    expect(removed.json()).toMatchObject({ resolution: 'entered_in_error' });
    expect((await dentist.delete(`${patientUrl(2)}/chart/findings/${f.id}`)).json().code).toBe(
      'finding_already_resolved',
    );
    expect(
      (await dentist.get(`${patientUrl(2)}/chart`)).json().findings.map((x: { id: string }) => x.id),
    ).not.toContain(f.id);
    const row = await inPractice(t.db, p.practiceId, (tx) =>
      tx.selectFrom('chartFindings').select('resolution').where('id', '=', f.id).executeTakeFirst(),
    );
    expect(row?.resolution).toBe('entered_in_error');
    expect((await dentist.delete(`${patientUrl(2)}/chart/findings/${randomUUID()}`)).json().code).toBe(
      'finding_not_found',
    );
  });
});

describe('clinical notes', () => {
  it('drafts a note for an appointment, signs it, refuses edits, and shows the addendum under the original', async () => {
    const start = mu(nextMonday(), '09:00');
    const appt = await reception.post(`${base}/appointments`, {
      patientId: p.patients[0]!.id,
      appointmentTypeId: p.checkup,
      providerId: p.dentistId,
      chairId: p.chair1,
      start: start.toISOString(),
    });
    expect(appt.statusCode).toBe(201);
    const draft = await dentist.post(`${patientUrl()}/notes`, {
      body: 'Composite 36 MO under LA. Patient tolerated well.',
      appointmentId: appt.json().id,
    });
    expect(draft.statusCode).toBe(201);
    expect(draft.json()).toMatchObject({
      status: 'draft',
      appointmentId: appt.json().id,
      authorId: p.dentist.id,
      addenda: [],
    });
    const noteUrl = `${patientUrl()}/notes/${draft.json().id}`;

    const edited = await dentist.patch(noteUrl, {
      body: 'Composite 36 MO under LA (lidocaine 2%). Patient tolerated well.',
    });
    expect(edited.json().body).toContain('lidocaine');
    expect((await hygienist.patch(noteUrl, { body: 'not mine' })).statusCode).toBe(403);
    expect((await hygienist.post(`${noteUrl}/sign`)).json().code).toBe('forbidden');
    expect((await reception.post(`${noteUrl}/sign`)).statusCode).toBe(403);
    expect((await dentist.post(`${noteUrl}/addenda`, { body: 'too early' })).json().code).toBe('note_not_signed');

    const signed = await dentist.post(`${noteUrl}/sign`);
    expect(signed.json()).toMatchObject({ status: 'signed', signedBy: p.dentist.id });
    const refused = await dentist.patch(noteUrl, { body: 'rewritten' });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'note_signed']);
    expect((await owner.patch(noteUrl, { visitDate: '2020-01-01' })).json().code).toBe('note_signed');
    expect((await dentist.post(`${noteUrl}/sign`)).json().code).toBe('note_signed');

    const amended = await hygienist.post(`${noteUrl}/addenda`, {
      body: 'Correction: tooth was 36, surfaces MO confirmed on x-ray.',
    });
    expect(amended.statusCode).toBe(201);
    const list = (await dentist.get(`${patientUrl()}/notes`)).json();
    const note = list.items.find((n: { id: string }) => n.id === draft.json().id);
    expect(note.body).toBe('Composite 36 MO under LA (lidocaine 2%). Patient tolerated well.');
    expect(note.addenda).toEqual([
      expect.objectContaining({
        body: 'Correction: tooth was 36, surfaces MO confirmed on x-ray.',
        authorId: p.hygienist.id,
      }),
    ]);
  });

  it("refuses another patient's appointment and lets an owner sign someone's draft", async () => {
    const start = mu(nextMonday(), '10:00');
    const appt = (
      await reception.post(`${base}/appointments`, {
        patientId: p.patients[1]!.id,
        appointmentTypeId: p.checkup,
        providerId: p.dentistId,
        chairId: p.chair1,
        start: start.toISOString(),
      })
    ).json();
    const wrong = await dentist.post(`${patientUrl()}/notes`, { body: 'x', appointmentId: appt.id });
    expect([wrong.statusCode, wrong.json().code]).toEqual([404, 'appointment_not_found']);
    const draft = (await hygienist.post(`${patientUrl()}/notes`, { body: 'Scale and polish done.' })).json();
    expect((await owner.post(`${patientUrl()}/notes/${draft.id}/sign`)).json()).toMatchObject({
      status: 'signed',
      signedBy: p.owner.id,
    });
  });

  it('is immutable in the database once signed; only a patient merge may move it', async () => {
    const draft = (await dentist.post(`${patientUrl(2)}/notes`, { body: 'Signed text' })).json();
    await dentist.post(`${patientUrl(2)}/notes/${draft.id}/sign`);
    await expect(
      sql`UPDATE clinical_notes SET body_sealed = '\\x00' WHERE id = ${draft.id}`.execute(t.db),
    ).rejects.toThrow(/signed/);
    await expect(
      sql`UPDATE clinical_notes SET signed_at = NULL, signed_by = NULL WHERE id = ${draft.id}`.execute(t.db),
    ).rejects.toThrow(/signed/);
    await expect(sql`DELETE FROM clinical_notes WHERE id = ${draft.id}`.execute(t.db)).rejects.toThrow(/signed/);
    const unsignedDraft = (await dentist.post(`${patientUrl(2)}/notes`, { body: 'Still a draft' })).json();
    await sql`UPDATE clinical_notes SET visit_date = '2026-01-02' WHERE id = ${unsignedDraft.id}`.execute(t.db);

    const survivor = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: p.practiceId,
      patient: { givenName: 'Wei', familyName: 'Li (dup)' },
    });
    const moved = await inPractice(t.db, p.practiceId, (tx) =>
      moveClinicalReferences(tx, p.patients[2]!.id, survivor.id),
    );
    expect(moved.clinicalNotes).toBe(2);
    const notes = (await dentist.get(`${base}/patients/${survivor.id}/notes`)).json();
    expect(notes.items.map((n: { body: string }) => n.body).sort()).toEqual(['Signed text', 'Still a draft']);
    await inPractice(t.db, p.practiceId, (tx) => moveClinicalReferences(tx, survivor.id, p.patients[2]!.id));
  });
});

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR x-ray pixels of the patient', 'utf8'),
  Buffer.alloc(2000, 0xab),
]);

describe('attachments', () => {
  it('stores an x-ray encrypted and returns the identical bytes', async () => {
    const up = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'xray',
      fileName: 'bitewing 36.png',
      mimeType: 'image/png',
      contentBase64: PNG.toString('base64'),
    });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({
      kind: 'xray',
      fileName: 'bitewing 36.png',
      mimeType: 'image/png',
      sizeBytes: PNG.length,
      uploadedBy: p.dentist.id,
    });
    const onDisk = await readFile(path.join(t.ctx.config.dataDir, 'files', p.practiceId, up.json().id));
    expect(onDisk.includes(Buffer.from('x-ray pixels of the patient'))).toBe(false);
    expect(onDisk.subarray(4, 12).equals(PNG.subarray(0, 8))).toBe(false);

    const down = await dentist.get(`${patientUrl()}/attachments/${up.json().id}/content`);
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('image/png');
    expect(down.headers['content-disposition']).toContain('bitewing 36.png');
    expect(down.rawPayload.equals(PNG)).toBe(true);
    const list = (await dentist.get(`${patientUrl()}/attachments`)).json();
    expect(list.items.map((a: { id: string }) => a.id)).toContain(up.json().id);

    const opened = await auditEvents('clinical.document_opened');
    expect(opened.at(-1)).toMatchObject({
      actorUserId: p.dentist.id,
      targetType: 'patient',
      targetId: p.patients[0]!.id,
      changes: { attachmentId: up.json().id },
    });
    expect((await dentist.get(`${patientUrl(1)}/attachments/${up.json().id}/content`)).json().code).toBe(
      'attachment_not_found',
    );
  });

  it('refuses files that are too big (413) or of a forbidden or disguised type (415)', async () => {
    const big = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(10 * 1024 * 1024 - 7)]);
    const tooBig = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'xray',
      fileName: 'big.png',
      mimeType: 'image/png',
      contentBase64: big.toString('base64'),
    });
    expect([tooBig.statusCode, tooBig.json().code]).toEqual([413, 'attachment_too_large']);
    const huge = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'xray',
      fileName: 'huge.png',
      mimeType: 'image/png',
      contentBase64: Buffer.alloc(12 * 1024 * 1024).toString('base64'),
    });
    expect(huge.statusCode).toBe(413);

    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 0x90)]);
    const asExe = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'document',
      fileName: 'setup.exe',
      mimeType: 'application/x-msdownload',
      contentBase64: exe.toString('base64'),
    });
    expect([asExe.statusCode, asExe.json().code]).toEqual([415, 'attachment_type_not_allowed']);
    const disguised = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'photo',
      fileName: 'photo.png',
      mimeType: 'image/png',
      contentBase64: Buffer.from('just some text, not an image').toString('base64'),
    });
    expect([disguised.statusCode, disguised.json().code]).toEqual([415, 'attachment_type_not_allowed']);
    const exeAsPdf = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'document',
      fileName: 'report.pdf',
      mimeType: 'application/pdf',
      contentBase64: exe.toString('base64'),
    });
    expect(exeAsPdf.statusCode).toBe(415);
    const pdf = await dentist.post(`${patientUrl()}/attachments`, {
      kind: 'document',
      fileName: 'referral.pdf',
      mimeType: 'application/pdf',
      contentBase64: Buffer.from('%PDF-1.7\n%...').toString('base64'),
    });
    expect(pdf.statusCode).toBe(201);
    const count = await inPractice(t.db, p.practiceId, (tx) =>
      tx.selectFrom('attachments').select('fileName').execute(),
    );
    expect(count.map((a) => a.fileName).sort()).toEqual(['bitewing 36.png', 'referral.pdf']);
  });
});

describe('encryption at rest', () => {
  it('stores chart annotations, plan notes and note bodies sealed, never as plaintext', async () => {
    const secret = 'Patient reports bruxism at night, secret-marker-7781';
    await dentist.post(`${patientUrl(1)}/chart/findings`, { tooth: 47, kind: 'fractured', note: secret });
    await dentist.post(`${patientUrl(1)}/notes`, { body: secret });
    const plan = (await dentist.post(`${patientUrl(1)}/treatment-plans`, { title: 'Night guard' })).json();
    await dentist.post(`${patientUrl(1)}/treatment-plans/${plan.id}/items`, {
      procedureId: procedures.EXAM!.id,
      notes: secret,
    });
    const marker = Buffer.from('secret-marker-7781');
    const stored = await sql<{ b: Buffer | null }>`
      SELECT note_sealed AS b FROM chart_findings UNION ALL SELECT body_sealed FROM clinical_notes
      UNION ALL SELECT notes_sealed FROM treatment_plan_items UNION ALL SELECT body_sealed FROM clinical_note_addenda`.execute(
      t.db,
    );
    const blobs = stored.rows.map((r) => r.b).filter((b): b is Buffer => b !== null);
    expect(blobs.length).toBeGreaterThanOrEqual(3);
    for (const b of blobs) expect(b.includes(marker)).toBe(false);
    const asText = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM clinical_notes WHERE position(${marker}::bytea IN body_sealed) > 0`.execute(t.db);
    expect(asText.rows[0]!.n).toBe(0);
    const chart = (await dentist.get(`${patientUrl(1)}/chart`)).json();
    expect(chart.findings.find((f: { tooth: number }) => f.tooth === 47).note).toBe(secret);
  });
});

describe('access', () => {
  it('gives a receptionist 403 on the chart, plans, notes and documents', async () => {
    const urls = ['chart', 'chart?asOf=2026-01-01', 'treatment-plans', 'notes', 'attachments'];
    for (const u of urls) {
      const res = await reception.get(`${patientUrl()}/${u}`);
      expect([u, res.statusCode, res.json().code]).toEqual([u, 403, 'forbidden']);
    }
    expect(
      (await reception.post(`${patientUrl()}/chart/findings`, { tooth: 36, surfaces: 'O', kind: 'caries' })).statusCode,
    ).toBe(403);
    expect((await reception.post(`${patientUrl()}/notes`, { body: 'x' })).statusCode).toBe(403);
    expect((await reception.get(`${base}/price-list`)).statusCode).toBe(403);
  });

  it('logs every clinical read with its actor and section', async () => {
    const before = (await auditEvents('clinical.record_opened')).length;
    for (const u of ['chart', 'treatment-plans', 'notes', 'attachments'])
      expect((await hygienist.get(`${patientUrl(1)}/${u}`)).statusCode).toBe(200);
    const events = (await auditEvents('clinical.record_opened')).slice(before);
    expect(events).toEqual(
      ['chart', 'treatment_plan', 'notes', 'documents'].map((section) => ({
        actorUserId: p.hygienist.id,
        action: 'clinical.record_opened',
        targetType: 'patient',
        targetId: p.patients[1]!.id,
        changes: { section },
      })),
    );
    // A refused read leaves no trace of an opening.
    await reception.get(`${patientUrl(1)}/chart`);
    expect((await auditEvents('clinical.record_opened')).length).toBe(before + 4);
  });

  it("answers 404 for another practice's ids", async () => {
    const theirs = await otherOwner.get(`${patientUrl()}/chart`);
    expect([theirs.statusCode, theirs.json().code]).toEqual([404, 'practice_not_found']);
    for (const u of ['chart', 'notes', 'treatment-plans', 'attachments']) {
      const res = await owner.get(`${base}/patients/${otherPatientId}/${u}`);
      expect([u, res.statusCode, res.json().code]).toEqual([u, 404, 'patient_not_found']);
    }
    expect(
      (
        await owner.post(`${base}/patients/${otherPatientId}/chart/findings`, {
          tooth: 36,
          surfaces: 'O',
          kind: 'caries',
        })
      ).json().code,
    ).toBe('patient_not_found');
    const ownPlan = (await dentist.get(`${patientUrl()}/treatment-plans`)).json().items[0];
    const wrongPatient = await dentist.patch(`${patientUrl(1)}/treatment-plans/${ownPlan.id}`, { title: 'x' });
    expect([wrongPatient.statusCode, wrongPatient.json().code]).toEqual([404, 'treatment_plan_not_found']);
    const otherProcedure = await otherOwner.post(`/api/v1/practices/${other.practiceId}/price-list/import-defaults`);
    const foreignId = otherProcedure.json().items[0].id;
    const plan = (await dentist.post(`${patientUrl()}/treatment-plans`, { title: 'Cross' })).json();
    expect(
      (await dentist.post(`${patientUrl()}/treatment-plans/${plan.id}/items`, { procedureId: foreignId })).json().code,
    ).toBe('procedure_not_found');
  });
});
