import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { createPatient, findPatientsByPhone, updatePatient } from '../src/modules/patients/patients.service.js';
import { DECEASED_CANCELLATION_REASON } from '../src/modules/scheduling/scheduling.data-owner.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { listRecalls, listWaitlist } from '../src/modules/scheduling/waitlist.service.js';
import { type Client, createTestApp, loggedIn, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

/** What a patient's status (active, archived, deceased) means outside the patient's page. */

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let reception: Client;
let dentist: Client;
let base: string;
const actor = systemActor('test');
const monday = nextMonday();

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  // Every weekday of the coming weeks open, whatever the year's public holidays.
  await inPractice(t.db, p.practiceId, (tx) => tx.deleteFrom('publicHolidays').execute());
  reception = await loggedIn(t.app, p.receptionist);
  dentist = await loggedIn(t.app, p.dentist);
  base = `/api/v1/practices/${p.practiceId}`;
});
afterAll(() => t.close());

/** Monday + `days` (0–5: Monday to Saturday of the week), local date. */
function day(week: number, weekday = 0): string {
  const d = new Date(`${monday}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + week * 7 + weekday);
  return d.toISOString().slice(0, 10);
}

let week = 0;
/** A week of its own for each test, so their slots never meet. */
const nextWeek = () => week++;

async function newPatient(givenName: string, extra: Record<string, unknown> = {}) {
  return createPatient(t.ctx, {
    actor,
    practiceId: p.practiceId,
    patient: { givenName, familyName: 'Status', ...extra },
  });
}

const book = (patientId: string, start: Date, over: Record<string, unknown> = {}) =>
  reception.post(`${base}/appointments`, {
    patientId,
    appointmentTypeId: p.checkup,
    providerId: p.dentistId,
    chairId: p.chair1,
    start: start.toISOString(),
    ...over,
  });

const setStatus = async (client: Client, patientId: string, status: string) => {
  const current = (await client.get(`${base}/patients/${patientId}`)).json();
  return client.patch(`${base}/patients/${patientId}`, { status, expectedVersion: current.version });
};

const codeOf = (res: { statusCode: number; json(): { code?: string } }) => [res.statusCode, res.json().code];

const countAppointments = (patientId: string) =>
  inPractice(t.db, p.practiceId, async (tx) =>
    Number(
      (
        await tx
          .selectFrom('appointments')
          .select(tx.fn.countAll().as('n'))
          .where('patientId', '=', patientId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

describe('booking a patient who is no longer active', () => {
  it('refuses to book an archived or a deceased patient with 422 and a stable code, writing nothing', async () => {
    const w = nextWeek();
    const archived = await newPatient('Archie', { status: 'archived' });
    const deceased = await newPatient('Dora', { status: 'deceased' });
    const refusedArchived = await book(archived.id, mu(day(w), '09:00'));
    expect(codeOf(refusedArchived)).toEqual([422, 'patient_archived']);
    expect(refusedArchived.headers['content-type']).toContain('application/problem+json');
    expect(refusedArchived.json()).toMatchObject({
      status: 422,
      title: expect.any(String),
      type: expect.stringContaining('patient-archived'),
    });
    expect(codeOf(await book(deceased.id, mu(day(w), '09:00')))).toEqual([422, 'patient_deceased']);
    expect(await countAppointments(archived.id)).toBe(0);
    expect(await countAppointments(deceased.id)).toBe(0);
    // The slot was never taken.
    expect((await book(p.patients[0]!.id, mu(day(w), '09:00'))).statusCode).toBe(201);
  });

  it('refuses a hold for them, and the confirmation of a hold for them, leaving the hold as it was', async () => {
    const w = nextWeek();
    const archived = await newPatient('Ariane', { status: 'archived' });
    const deceased = await newPatient('Denis', { status: 'deceased' });
    const hold = (start: Date, over: Record<string, unknown> = {}) =>
      reception.post(`${base}/holds`, {
        appointmentTypeId: p.checkup,
        providerId: p.dentistId,
        chairId: p.chair1,
        start: start.toISOString(),
        ...over,
      });
    expect(codeOf(await hold(mu(day(w), '09:00'), { patientId: archived.id }))).toEqual([422, 'patient_archived']);
    expect(codeOf(await hold(mu(day(w), '09:00'), { patientId: deceased.id }))).toEqual([422, 'patient_deceased']);

    const open = (await hold(mu(day(w), '10:00'))).json();
    expect(codeOf(await reception.post(`${base}/holds/${open.id}/confirm`, { patientId: archived.id }))).toEqual([
      422,
      'patient_archived',
    ]);
    expect(codeOf(await reception.post(`${base}/holds/${open.id}/confirm`, { patientId: deceased.id }))).toEqual([
      422,
      'patient_deceased',
    ]);
    expect((await reception.get(`${base}/appointments/${open.id}`)).json().appointment).toMatchObject({
      status: 'held',
      patientId: null,
    });

    // Held for a patient who is archived before the confirmation.
    const leaving = await newPatient('Leon');
    const heldForLeaving = (await hold(mu(day(w), '11:00'), { patientId: leaving.id })).json();
    expect((await setStatus(reception, leaving.id, 'archived')).statusCode).toBe(200);
    expect(codeOf(await reception.post(`${base}/holds/${heldForLeaving.id}/confirm`, {}))).toEqual([
      422,
      'patient_archived',
    ]);
    expect((await reception.get(`${base}/appointments/${heldForLeaving.id}`)).json().appointment.status).toBe('held');
  });

  it("moves an archived patient's appointment, never a deceased patient's, which can still be cancelled", async () => {
    const w = nextWeek();
    const archie = await newPatient('Arnaud');
    const booked = (await book(archie.id, mu(day(w), '09:00'))).json();
    expect((await setStatus(reception, archie.id, 'archived')).statusCode).toBe(200);
    const moved = await reception.post(`${base}/appointments/${booked.id}/move`, {
      start: mu(day(w), '10:00').toISOString(),
    });
    expect(moved.json()).toMatchObject({ status: 'booked', start: mu(day(w), '10:00').toISOString() });

    // Recorded deceased once the visit had begun: that appointment is not cancelled by it.
    const dee = await newPatient('Delphine');
    const started = (await book(dee.id, mu(day(w, 1), '09:00'))).json();
    const version = (await reception.get(`${base}/patients/${dee.id}`)).json().version;
    await updatePatient(t.ctx, {
      actor,
      practiceId: p.practiceId,
      patientId: dee.id,
      patch: { status: 'deceased' },
      expectedVersion: version,
      now: mu(day(w, 1), '09:10'),
    });
    expect((await reception.get(`${base}/appointments/${started.id}`)).json().appointment.status).toBe('booked');
    const refused = await reception.post(`${base}/appointments/${started.id}/move`, {
      start: mu(day(w, 1), '14:00').toISOString(),
    });
    expect(codeOf(refused)).toEqual([422, 'patient_deceased']);
    expect((await reception.get(`${base}/appointments/${started.id}`)).json().appointment.start).toBe(
      mu(day(w, 1), '09:00').toISOString(),
    );
    const cancelled = await reception.post(`${base}/appointments/${started.id}/cancel`, { reason: 'Family called' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancellationReason: 'Family called' });
  });
});

describe('recording a death', () => {
  it('cancels the appointments to come at once: reason, status history, audit, the slots free again', async () => {
    const w = nextWeek();
    const patient = await newPatient('Gaston');
    const first = (await book(patient.id, mu(day(w), '09:00'))).json();
    const second = (await book(patient.id, mu(day(w, 2), '14:00'), { providerId: p.dentist.id })).json();
    expect((await reception.post(`${base}/appointments/${second.id}/status`, { status: 'confirmed' })).statusCode).toBe(
      200,
    );
    const alreadyCancelled = (await book(patient.id, mu(day(w, 3), '09:00'))).json();
    await reception.post(`${base}/appointments/${alreadyCancelled.id}/cancel`, { reason: 'Travelling' });

    const slotsUrl = `${base}/availability?appointmentTypeId=${p.checkup}&providerId=${p.dentistId}&chairId=${p.chair1}&from=${mu(day(w), '09:00').toISOString()}&to=${mu(day(w), '09:01').toISOString()}`;
    expect((await reception.get(slotsUrl)).json().slots).toEqual([]);
    const revision = async () =>
      (
        await sql<{
          revision: string;
        }>`SELECT revision FROM calendar_revisions WHERE practice_id = ${p.practiceId}`.execute(t.db)
      ).rows[0]?.revision;
    const revisionBefore = await revision();

    // A dentist may record it (patients:write) though they cannot cancel others' appointments themselves.
    const res = await setStatus(dentist, patient.id, 'deceased');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'deceased' });

    for (const [appointment, from] of [
      [first, 'booked'],
      [second, 'confirmed'],
    ] as const) {
      const detail = (await reception.get(`${base}/appointments/${appointment.id}`)).json();
      expect(detail.appointment).toMatchObject({
        status: 'cancelled',
        cancellationReason: DECEASED_CANCELLATION_REASON,
      });
      expect(detail.history.at(-1)).toMatchObject({
        fromStatus: from,
        toStatus: 'cancelled',
        reason: DECEASED_CANCELLATION_REASON,
        changedBy: 'dentist Test',
      });
    }
    const events = await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select(['action', 'targetId', 'actorUserId', 'changes'])
        .where('action', 'in', ['appointment.cancelled', 'patient.updated'])
        .where('actorUserId', '=', p.dentist.id)
        .orderBy('seq')
        .execute(),
    );
    expect(events).toEqual([
      {
        action: 'appointment.cancelled',
        targetId: first.id,
        actorUserId: p.dentist.id,
        changes: { from: 'booked', to: 'cancelled' },
      },
      {
        action: 'appointment.cancelled',
        targetId: second.id,
        actorUserId: p.dentist.id,
        changes: { from: 'confirmed', to: 'cancelled' },
      },
      {
        action: 'patient.updated',
        targetId: patient.id,
        actorUserId: p.dentist.id,
        changes: { fields: ['status'], cancelledAppointmentIds: [first.id, second.id] },
      },
    ]);
    // Announced for whoever follows deaths (reminders will), in the same change.
    const announced = await t.db
      .selectFrom('jobs')
      .select(['payload', 'practiceId'])
      .where('name', '=', 'event:patients.patient_died')
      .execute();
    expect(announced).toContainEqual({
      payload: { practiceId: p.practiceId, patientId: patient.id },
      practiceId: p.practiceId,
    });
    // The earlier cancellation keeps its own reason.
    expect(
      (await reception.get(`${base}/appointments/${alreadyCancelled.id}`)).json().appointment.cancellationReason,
    ).toBe('Travelling');

    expect(await revision()).not.toBe(revisionBefore);
    expect((await reception.get(slotsUrl)).json().slots).toEqual([
      expect.objectContaining({ start: mu(day(w), '09:00').toISOString() }),
    ]);
    expect((await book(p.patients[1]!.id, mu(day(w), '09:00'))).statusCode).toBe(201);
  });

  it('gives back a slot held for them, audited, so it is free at once rather than when the hold lapses', async () => {
    const w = nextWeek();
    const patient = await newPatient('Honoré');
    const held = (
      await reception.post(`${base}/holds`, {
        appointmentTypeId: p.checkup,
        providerId: p.dentistId,
        chairId: p.chair1,
        start: mu(day(w), '10:00').toISOString(),
        patientId: patient.id,
      })
    ).json();
    const someoneElsesHold = (
      await reception.post(`${base}/holds`, {
        appointmentTypeId: p.checkup,
        providerId: p.dentistId,
        chairId: p.chair1,
        start: mu(day(w), '11:00').toISOString(),
      })
    ).json();
    expect((await setStatus(reception, patient.id, 'deceased')).statusCode).toBe(200);
    expect((await reception.get(`${base}/appointments/${held.id}`)).statusCode).toBe(404);
    expect((await reception.get(`${base}/appointments/${someoneElsesHold.id}`)).json().appointment.status).toBe('held');
    const released = await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select(['targetId', 'changes'])
        .where('action', '=', 'appointment.hold_released')
        .where('targetId', '=', held.id)
        .execute(),
    );
    expect(released).toEqual([{ targetId: held.id, changes: { reason: 'patient_deceased' } }]);
    expect((await book(p.patients[1]!.id, mu(day(w), '10:00'))).statusCode).toBe(201);
  });

  it('cancels nothing when the patient was already deceased, or is archived', async () => {
    const w = nextWeek();
    const patient = await newPatient('Paulette');
    const appointment = (await book(patient.id, mu(day(w), '09:00'))).json();
    expect((await setStatus(reception, patient.id, 'archived')).statusCode).toBe(200);
    expect((await reception.get(`${base}/appointments/${appointment.id}`)).json().appointment.status).toBe('booked');
  });

  it('never leaves a booking made at the same moment standing', async () => {
    // On PostgreSQL the booking locks the patient's row (FOR SHARE): either it waits and is refused,
    // or the death waits and cancels it. Each slot twice: a cancelled booking frees it again.
    const w = nextWeek();
    for (const [i, time] of ['09:00', '10:00', '11:00', '14:00', '15:00', '16:00']
      .flatMap((time) => [time, time])
      .entries()) {
      const patient = await newPatient(`Race${i}`);
      const [booking, marked] = await Promise.allSettled([
        bookAppointment(t.ctx, {
          actor,
          practiceId: p.practiceId,
          booking: {
            patientId: patient.id,
            appointmentTypeId: p.checkup,
            providerId: p.dentistId,
            chairId: p.chair1,
            start: mu(day(w), time),
            source: 'staff',
          },
        }),
        updatePatient(t.ctx, {
          actor,
          practiceId: p.practiceId,
          patientId: patient.id,
          patch: { status: 'deceased' },
          expectedVersion: patient.version,
        }),
      ]);
      expect(marked.status).toBe('fulfilled');
      if (booking.status === 'rejected') expect(booking.reason).toMatchObject({ code: 'patient_deceased' });
      const standing = await inPractice(t.db, p.practiceId, (tx) =>
        tx
          .selectFrom('appointments')
          .select('id')
          .where('patientId', '=', patient.id)
          .where('status', '=', 'booked')
          .execute(),
      );
      expect(standing).toEqual([]);
    }
  });
});

describe('who is found and listed', () => {
  it('leaves deceased patients out of the WhatsApp phone lookup, keeps archived ones and children of a deceased guardian', async () => {
    const phone = { phones: [{ number: '57661000', isWhatsApp: true }] };
    const father = await newPatient('Fabien', phone);
    const child = await newPatient('Chloé', { guardianPatientId: father.id });
    const returning = await newPatient('Rita', { status: 'archived', phone: '57661001' });
    expect((await setStatus(reception, father.id, 'deceased')).statusCode).toBe(200);
    expect((await findPatientsByPhone(t.ctx, p.practiceId, '+23057661000')).map((f) => f.id)).toEqual([child.id]);
    expect((await findPatientsByPhone(t.ctx, p.practiceId, '+23057661001')).map((f) => f.id)).toEqual([returning.id]);
    const alone = await newPatient('Solo', { phone: '57661002', status: 'deceased' });
    expect(await findPatientsByPhone(t.ctx, p.practiceId, '+23057661002')).toEqual([]);
    void alone;
  });

  it('lists only active patients as due for recall and on the waitlist, and lists them again once active', async () => {
    const caller = { actor, practiceId: p.practiceId };
    const [stays, archived, deceased] = await Promise.all(
      ['Recall', 'Archived', 'Deceased'].map((name) => newPatient(name)),
    );
    for (const patient of [stays, archived, deceased]) {
      expect(
        (await reception.post(`${base}/recalls`, { patientId: patient!.id, dueDate: '2026-01-01' })).statusCode,
      ).toBe(201);
      expect(
        (await reception.post(`${base}/waitlist`, { patientId: patient!.id, appointmentTypeId: p.checkup })).statusCode,
      ).toBe(201);
    }
    await setStatus(reception, archived!.id, 'archived');
    await setStatus(reception, deceased!.id, 'deceased');
    const ours = new Set([stays!.id, archived!.id, deceased!.id]);
    const due = async () =>
      (await listRecalls(t.ctx, { ...caller, status: 'due' })).items
        .map((r) => r.patientId)
        .filter((id) => ours.has(id));
    const waiting = async () =>
      (await listWaitlist(t.ctx, caller)).items.map((e) => e.patientId).filter((id) => ours.has(id));
    expect(await due()).toEqual([stays!.id]);
    expect(await waiting()).toEqual([stays!.id]);
    // Over HTTP too.
    expect(
      (await reception.get(`${base}/recalls`)).json().items.map((r: { patientId: string }) => r.patientId),
    ).not.toContain(archived!.id);
    expect(
      (await reception.get(`${base}/waitlist`)).json().items.map((e: { patientId: string }) => e.patientId),
    ).not.toContain(deceased!.id);

    await setStatus(reception, archived!.id, 'active');
    expect((await due()).sort()).toEqual([stays!.id, archived!.id].sort());
    expect((await waiting()).sort()).toEqual([stays!.id, archived!.id].sort());
  });
});
