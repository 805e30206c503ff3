import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentMessage } from '../src/modules/messaging/fake-graph.js';
import { checkTemplateParameters, definitionFromGraph } from '../src/modules/messaging/template-parameters.js';
import { SANDBOX_TEMPLATES } from '../src/modules/messaging/templates.catalog.js';
import { agendaTemplateValues, summariseDay } from '../src/modules/notifications/agenda.js';
import { queueDueAgendaRuns, runDailyAgenda, saveAgendaSettings } from '../src/modules/notifications/agenda.service.js';
import { replaceMedicalAlerts } from '../src/modules/patients/alerts.service.js';
import { createClosure } from '../src/modules/scheduling/unavailability.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import { book, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { makeEverythingDue, newWaId } from './whatsapp-helpers.js';

/**
 * The dentists' daily agenda: at the practice's time each provider with appointments that day is
 * told of their day in the app, and on WhatsApp when they opted in on their account page — once per
 * provider and day however many runs there are, never for an empty day nor on a closed one. Real
 * services and database; Meta is the fake Graph API.
 */

const ACTOR = systemActor('test');
let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** A practice with a WhatsApp number, and a working day of its ahead with the owner (Dr Owner) booked twice. */
async function bookedDay() {
  const practice = await assistantPractice(t);
  const [day] = await workdays(t, practice.practiceId, 1);
  const ravi = practice.patients[0]!;
  const helene = practice.patients[1]!;
  await replaceMedicalAlerts(t.ctx, {
    actor: ACTOR,
    practiceId: practice.practiceId,
    patientId: helene.id,
    alerts: { allergies: ['Penicillin'] },
  });
  await book(t, practice, helene.id, mu(day!, '14:00'));
  await book(t, practice, ravi.id, mu(day!, '09:00'));
  const owner = await loggedIn(t.app, practice.owner);
  return { practice, day: day!, owner, ravi, helene };
}

const base = (practice: AssistantPractice) => `/api/v1/practices/${practice.practiceId}`;
const run = (practice: AssistantPractice, day: string, time = '07:05') =>
  runDailyAgenda(t.ctx, { practiceId: practice.practiceId, day, now: mu(day, time) });

async function agendaNotificationsOf(client: Client, practice: AssistantPractice) {
  const res = await client.get(`${base(practice)}/notifications`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { kind: string; agenda: unknown }[]).filter((n) => n.kind === 'daily_agenda');
}

async function optIn(client: Client, practice: AssistantPractice, language: 'en' | 'fr' = 'en') {
  const waId = newWaId();
  const res = await client.request('PUT', `${base(practice)}/agenda/subscription`, {
    whatsappNumber: `+${waId}`,
    whatsappOptIn: true,
    language,
  });
  expect(res.statusCode, res.body).toBe(200);
  return waId;
}

/** The outbox sends what is queued; the daily_agenda templates Meta received meanwhile. */
async function deliver(): Promise<SentMessage[]> {
  const before = graph.fake.sent.length;
  const w = workers(t);
  for (let i = 0; i < 10; i++) {
    await makeEverythingDue(t);
    await w.send();
    if (!(await t.db.selectFrom('whatsappOutbox').select('seq').where('state', '=', 'queued').executeTakeFirst()))
      break;
  }
  return graph.fake.sent
    .slice(before)
    .filter((m) => (m.body as { template?: { name: string } }).template?.name === 'daily_agenda');
}

const valuesOf = (m: SentMessage) =>
  (m.body as { template: { components: { type: string; parameters: { text: string }[] }[] } }).template.components
    .find((c) => c.type === 'body')!
    .parameters.map((p) => p.text);

describe("the dentist's daily agenda", () => {
  it('the daily_agenda template is in the catalogue (en, fr) and takes what the agenda gives, a long day included', () => {
    const visit = (i: number) => ({
      appointmentId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      start: new Date(Date.UTC(2026, 11, 15, 4 + Math.floor(i / 4), (i % 4) * 15)),
      end: new Date(Date.UTC(2026, 11, 15, 4 + Math.floor(i / 4), (i % 4) * 15 + 15)),
      patient: { givenName: 'Marie-Josée', familyName: 'Appadoo' },
      visitType: { en: 'Scale and polish', fr: 'Détartrage et polissage' },
      chairName: 'Chair 1',
      newPatient: i % 2 === 0,
      medicalAlert: i % 3 === 0,
    });
    for (const count of [1, 40]) {
      const summary = summariseDay(Array.from({ length: count }, (_, i) => visit(i)))!;
      for (const language of ['en', 'fr'] as const) {
        const template = SANDBOX_TEMPLATES.find((tpl) => tpl.name === 'daily_agenda' && tpl.language === language);
        expect(template?.category).toBe('UTILITY');
        const values = agendaTemplateValues(summary, {
          language,
          timeZone: 'Indian/Mauritius',
          providerName: 'Dr Owner',
          practiceName: 'Demo Dental Clinic',
        });
        expect(checkTemplateParameters(definitionFromGraph(template!), values)).toEqual([]);
      }
    }
  });

  it('tells each provider with appointments of their day in the app; a provider with an empty day hears nothing', async () => {
    const { practice, day, owner } = await bookedDay();
    const outcome = await run(practice, day);
    expect(outcome).toMatchObject({ day, notified: 1, whatsapp: 0 });

    const [told, ...more] = await agendaNotificationsOf(owner, practice);
    expect(more).toEqual([]);
    expect(told!.agenda).toEqual({
      providerId: practice.owner.id,
      day,
      count: 2,
      firstStart: mu(day, '09:00').toISOString(),
      lastStart: mu(day, '14:00').toISOString(),
    });
    // The other dentist and the hygienist had no appointments: nothing for them, nor for the desk.
    for (const member of [practice.dentist, practice.hygienist, practice.receptionist]) {
      expect(await agendaNotificationsOf(await loggedIn(t.app, member), practice)).toEqual([]);
    }

    // In the app, the day in full: names, visit type, chair, flags (the alert as a flag only).
    const res = await owner.get(`${base(practice)}/agenda?day=${day}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      count: 2,
      lines: [
        {
          patientName: 'Ravi Ramgoolam',
          visitType: { en: 'Check-up' },
          chairName: 'Chair 1',
          newPatient: true,
          medicalAlert: false,
        },
        { patientName: 'Hélène Lagesse', newPatient: true, medicalAlert: true },
      ],
    });
    expect(res.body).not.toContain('Penicillin');
  });

  it('a patient seen before is not flagged new', async () => {
    const { practice, ravi } = await bookedDay();
    const [, later] = await workdays(t, practice.practiceId, 2);
    const earlier = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('appointments').select('id').where('patientId', '=', ravi.id).executeTakeFirstOrThrow(),
    );
    await book(t, practice, ravi.id, mu(later!, '10:00'));
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.updateTable('appointments').set({ status: 'completed' }).where('id', '=', earlier.id).execute(),
    );
    const owner = await loggedIn(t.app, practice.owner);
    const res = await owner.get(`${base(practice)}/agenda?day=${later}`);
    expect(res.json().lines).toMatchObject([{ patientName: 'Ravi Ramgoolam', newPatient: false }]);
  });

  it('sends it on WhatsApp to a dentist who opted in: first name and initial, through the fake Graph API', async () => {
    const { practice, day, owner } = await bookedDay();
    const waId = await optIn(owner, practice, 'fr');
    expect(await run(practice, day)).toMatchObject({ notified: 1, whatsapp: 1 });
    const [sent, ...more] = await deliver();
    expect(more).toEqual([]);
    expect(sent!.to).toBe(waId);
    expect((sent!.body as { template: { language: { code: string } } }).template.language.code).toBe('fr');
    const values = valuesOf(sent!);
    expect(values.slice(3, 6)).toEqual(['2', '09:00', '14:00']);
    expect(values[6]).toBe(
      '09:00 Ravi R. (Contrôle, Chair 1, nouveau patient); 14:00 Hélène L. (Contrôle, Chair 1, nouveau patient, alerte médicale)',
    );
    expect(JSON.stringify(sent!.body)).not.toMatch(/Ramgoolam|Lagesse|Penicillin/);
  });

  it('once per provider and day, even when the job runs twice at once and again later', async () => {
    const { practice, day, owner } = await bookedDay();
    await optIn(owner, practice);
    const outcomes = await Promise.all([run(practice, day), run(practice, day, '07:06')]);
    expect(outcomes.reduce((sum, o) => sum + o.notified, 0)).toBe(1);
    expect(await run(practice, day, '09:30')).toMatchObject({ notified: 0, whatsapp: 0, idle: 'finished' });
    // A run whose day row was lost still finds each provider's delivery and tells nobody twice.
    await inPractice(t.ctx.db, practice.practiceId, (tx) => tx.deleteFrom('agendaRuns').execute());
    expect(await run(practice, day, '09:35')).toMatchObject({ notified: 0, whatsapp: 0 });

    expect(await agendaNotificationsOf(owner, practice)).toHaveLength(1);
    expect(await deliver()).toHaveLength(1);
    const deliveries = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('agendaDeliveries').selectAll().execute(),
    );
    expect(deliveries).toMatchObject([{ providerId: practice.owner.id, appointments: 2, whatsappOutcome: 'queued' }]);
  });

  it('nothing on a day the practice is closed, nor before its time, nor when the owner turned it off', async () => {
    const { practice, day, owner } = await bookedDay();
    await optIn(owner, practice);
    expect(await run(practice, day, '06:55')).toMatchObject({ notified: 0, idle: 'not_yet' });
    await createClosure(t.ctx, {
      actor: ACTOR,
      practiceId: practice.practiceId,
      closure: {
        start: mu(day, '00:00').toISOString(),
        end: mu(day, '23:59').toISOString(),
        reason: 'Cyclone warning',
      },
    });
    expect(await run(practice, day)).toMatchObject({ notified: 0, whatsapp: 0, idle: 'closed' });
    expect(await agendaNotificationsOf(owner, practice)).toEqual([]);
    expect(await deliver()).toEqual([]);

    const other = await bookedDay();
    await saveAgendaSettings(t.ctx, {
      actor: ACTOR,
      practiceId: other.practice.practiceId,
      settings: { enabled: false, sendTime: '07:00' },
    });
    expect(await run(other.practice, other.day)).toMatchObject({ notified: 0, idle: 'disabled' });
  });

  it("the round queues a practice's run once its time has come, keyed by practice and day", async () => {
    const { practice, day } = await bookedDay();
    const res = await (await loggedIn(t.app, practice.owner)).request('PUT', `${base(practice)}/agenda/settings`, {
      enabled: true,
      sendTime: '06:30',
    });
    expect(res.statusCode, res.body).toBe(200);
    const jobsOf = () =>
      t.db
        .selectFrom('jobs')
        .select(['key', 'payload'])
        .where('key', '=', `notifications.agenda_run:${practice.practiceId}:${day}`)
        .execute();
    await queueDueAgendaRuns(t.ctx, mu(day, '06:25'));
    expect(await jobsOf()).toEqual([]);
    await queueDueAgendaRuns(t.ctx, mu(day, '06:30'));
    await queueDueAgendaRuns(t.ctx, mu(day, '06:35'));
    expect(await jobsOf()).toEqual([
      {
        key: `notifications.agenda_run:${practice.practiceId}:${day}`,
        payload: { practiceId: practice.practiceId, day },
      },
    ]);
  });

  it('the account page: a number is needed to opt in, a bad one is refused, and the settings are the owner’s', async () => {
    const { practice, owner } = await bookedDay();
    const noNumber = await owner.request('PUT', `${base(practice)}/agenda/subscription`, {
      whatsappNumber: '',
      whatsappOptIn: true,
      language: 'en',
    });
    expect(noNumber.statusCode).toBe(400);
    expect(noNumber.json().errors).toMatchObject([{ path: 'whatsappNumber', code: 'required' }]);
    const badNumber = await owner.request('PUT', `${base(practice)}/agenda/subscription`, {
      whatsappNumber: '12',
      whatsappOptIn: true,
      language: 'en',
    });
    expect(badNumber.json().errors).toMatchObject([{ path: 'whatsappNumber', code: 'phone_invalid' }]);
    const local = await owner.request('PUT', `${base(practice)}/agenda/subscription`, {
      whatsappNumber: '5712 3499',
      whatsappOptIn: true,
      language: 'en',
    });
    expect(local.json()).toMatchObject({ whatsappNumber: '+23057123499', whatsappOptIn: true, provider: true });

    const receptionist = await loggedIn(t.app, practice.receptionist);
    expect((await receptionist.get(`${base(practice)}/agenda/subscription`)).json()).toMatchObject({ provider: false });
    const refused = await receptionist.request('PUT', `${base(practice)}/agenda/settings`, {
      enabled: false,
      sendTime: '07:00',
    });
    expect(refused.statusCode).toBe(403);
    const badTime = await owner.request('PUT', `${base(practice)}/agenda/settings`, {
      enabled: true,
      sendTime: '25:00',
    });
    expect(badTime.statusCode).toBe(400);
  });
});
