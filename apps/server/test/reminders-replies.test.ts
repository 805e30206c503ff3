import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { cancelAppointment, moveAppointment } from '../src/modules/scheduling/appointments.service.js';
import { systemActor } from '../src/platform/access.js';
import {
  type AssistantPractice,
  appointmentsOf,
  assistantPractice,
  assistantStateOf,
  conversationOfPhone,
  patientPhone,
  patientsOnNumber,
  textOf,
} from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { book, remindNow, reminderSeen, runJobs, useReminderSettings, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';
import { newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * The patient answers a reminder with its buttons: Confirm confirms in the calendar at once (or
 * says what became of a visit moved or cancelled since), Reschedule and Cancel enter the
 * assistant's flows for that visit (a person takes over when the assistant is off), and a payload
 * we did not sign is never acted on. The assistant never answers the same tap a second time.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let days: string[];
let dayIndex = 0;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  await useReminderSettings(t, practice.practiceId, {
    rules: [{ offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 0 }],
  });
  days = await workdays(t, practice.practiceId, 20);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});
beforeEach(async () => {
  await saveAssistantSettings(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patch: { enabled: true },
  });
});

/** A patient with a check-up reminded: their phone, the appointment and the reminder's button payloads. */
async function reminded(language: 'en' | 'fr' = 'en') {
  const waId = newWaId();
  const [patientId] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
    { givenName: language === 'fr' ? 'Hélène' : 'Aisha', familyName: 'Test', preferredLanguage: language },
  ]);
  const day = days[dayIndex++]!;
  const appointment = await book(t, practice, patientId!, mu(day, '09:00'));
  const [reminder] = (await remindNow(t, graph)).filter((m) => m.to === waId).map(reminderSeen);
  expect(reminder, 'the reminder was sent').toBeDefined();
  const phone = patientPhone(t, graph, practice, { waId });
  const [confirm, reschedule, cancel] = reminder!.payloads as [string, string, string];
  // A tap on a template's quick-reply button reaches us as Meta's `button` message.
  const tap = async (payload: string, text: string) => {
    await patientWrites(t, {
      phoneNumberId: practice.phoneNumberId,
      from: waId,
      message: { type: 'button', button: { payload, text } },
    });
    return phone.settle();
  };
  return { phone, patientId: patientId!, appointment, day, confirm, reschedule, cancel, tap };
}

/** The appointment's status as the calendar holds it. */
async function statusOf(patientId: string) {
  return (await appointmentsOf(t, practice.practiceId, patientId))[0]!.status;
}

describe('Confirm', () => {
  it('confirms the appointment in the calendar at once and thanks the patient, once', async () => {
    const r = await reminded();
    const replies = await r.tap(r.confirm, 'Confirm');
    expect(await statusOf(r.patientId)).toBe('confirmed');
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toMatch(/^Thank you! Your appointment on \w+ \d+ \w+ at 09:00 is confirmed\.$/);
    const history = await t.db
      .selectFrom('auditEvents')
      .select(['action', 'changes'])
      .where('targetId', '=', r.appointment.id)
      .where('action', '=', 'appointment.status_changed')
      .execute();
    expect(history.map((h) => h.changes)).toEqual([{ from: 'booked', to: 'confirmed' }]);
    // Tapped again: it stays confirmed, and says so.
    expect(textOf(await r.tap(r.confirm, 'Confirm'))).toMatch(/is confirmed/);
  });

  it('in French for a French-speaking patient', async () => {
    const r = await reminded('fr');
    expect(textOf(await r.tap(r.confirm, 'Confirmer'))).toMatch(
      /^Merci ! Votre rendez-vous le \w+ \d+ \S+ à 09:00 est confirmé\.$/,
    );
  });

  it('on an appointment moved since: says its new time and confirms nothing', async () => {
    const r = await reminded();
    await moveAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: r.appointment.id,
      move: { start: mu(r.day, '11:00') },
    });
    await runJobs(t);
    expect(textOf(await r.tap(r.confirm, 'Confirm'))).toMatch(/has moved: it is now on .* at 11:00/);
    expect(await statusOf(r.patientId)).toBe('booked');
  });

  it('on an appointment cancelled since: says so and confirms nothing', async () => {
    const r = await reminded();
    await cancelAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: r.appointment.id,
      reason: 'clinic',
    });
    await runJobs(t);
    expect(textOf(await r.tap(r.confirm, 'Confirm'))).toMatch(/was cancelled/);
    expect(await statusOf(r.patientId)).toBe('cancelled');
  });

  it('a forged or altered payload is never acted on; the patient is told how to reach a person', async () => {
    const r = await reminded();
    const forged = r.confirm.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
    const altered = r.cancel.replace('rm1.x.', 'rm1.c.');
    for (const payload of [forged, altered, 'rm1.c.garbage']) {
      const replies = await r.tap(payload, 'Confirm');
      expect(textOf(replies)).toMatch(/could not read that reply.*call us on \+230 4641234/);
    }
    expect(await statusOf(r.patientId)).toBe('booked');
  });

  it('a payload signed for another patient’s appointment is not acted on from this number', async () => {
    const a = await reminded();
    const b = await reminded();
    expect(textOf(await b.tap(a.confirm, 'Confirm'))).toMatch(/could not read that reply/);
    expect(await statusOf(a.patientId)).toBe('booked');
  });
});

describe('Reschedule and Cancel', () => {
  it('Reschedule enters the assistant’s move flow for that appointment: it asks when', async () => {
    const r = await reminded();
    const replies = await r.tap(r.reschedule, 'Reschedule');
    expect(replies.length).toBeGreaterThan(0);
    expect((await assistantStateOf(t, practice.practiceId, r.phone)).state?.name).toBe('choosing_when');
    expect(await statusOf(r.patientId)).toBe('booked');
  });

  it('Cancel enters the assistant’s cancel flow for that appointment: it asks to confirm, and Yes cancels', async () => {
    const r = await reminded();
    const replies = await r.tap(r.cancel, 'Cancel');
    expect((await assistantStateOf(t, practice.practiceId, r.phone)).state?.name).toBe('confirming_cancel');
    const yes = replies.flatMap((m) => m.buttons).find((b) => b.id === 'cancel_yes');
    expect(yes, JSON.stringify(replies)).toBeDefined();
    await r.phone.taps(yes!);
    expect(await statusOf(r.patientId)).toBe('cancelled');
  });

  it('with the assistant off, the conversation goes to a person, who is told why', async () => {
    await saveAssistantSettings(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patch: { enabled: false },
    });
    // The number greets first-time writers while the assistant is off: not on a reminder's tap.
    await t.db
      .updateTable('whatsappChannels')
      .set({ greetingEnabled: true, greetingEn: 'Welcome to our practice!' })
      .where('practiceId', '=', practice.practiceId)
      .execute();
    const r = await reminded();
    const replies = await r.tap(r.reschedule, 'Reschedule');
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toMatch(/A member of our team will get back to you/);
    const conversation = await conversationOfPhone(t, r.phone);
    expect([conversation.owner, conversation.needsHuman, conversation.handoverReason]).toEqual([
      'staff',
      true,
      'asked',
    ]);
    expect(await statusOf(r.patientId)).toBe('booked');
  });
});
