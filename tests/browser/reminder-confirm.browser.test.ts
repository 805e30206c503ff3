import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 13, a reminder answered on the phone: in the demo practice, a rule whose time has just come
 * reminds a patient of a booked visit; on the sandbox phone the patient reads the template with its
 * Confirm / Reschedule / Cancel buttons, taps Confirm and is thanked; the calendar then shows the
 * visit confirmed, on its card and in its panel, in English (the owner) and in French (the desk).
 */

const TZ = 'Indian/Mauritius';
const PRACTICE_NAME = 'Demo Dental Clinic';
const LOGINS = {
  owner: { email: 'owner@demo.dentalpro.mu', password: 'demo-owner-2026' },
  reception: { email: 'reception@demo.dentalpro.mu', password: 'demo-reception-2026' },
} as const;

interface Appointment {
  id: string;
  patientId: string | null;
  patientName: string | null;
  appointmentTypeId: string;
  start: string;
  end: string;
  status: string;
}
interface Patient {
  id: string;
  givenName: string;
  familyName: string;
  preferredName: string;
  preferredLanguage: string;
  status: string;
  phones: { e164: string; isWhatsApp: boolean }[];
}
interface Reminder {
  offsetMinutes: number;
  state: string;
}
interface ReminderSettings {
  enabled: boolean;
  rules: { offsetMinutes: number; appointmentTypeIds: string[] | null; minLeadMinutes: number }[];
  quietHours: { start: string; end: string } | null;
}

let browser: Browser;
let app: RunningApp;
let owner: ReturnType<typeof apiAs>;
let practiceId = '';
let P = '';
const cookies = { owner: '', reception: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  // The demo practice (a month of visits, 200 patients) seeded before the server opens its database.
  app = await startApp({ demo: true, readyTimeoutMs: 180_000 });
  for (const who of ['owner', 'reception'] as const) {
    const api = apiAs(app);
    const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/auth/login', LOGINS[who]);
    practiceId = me.memberships[0]!.practiceId;
    cookies[who] = api.cookie;
    if (who === 'owner') owner = api;
  }
  P = `/practices/${practiceId}`;
  // Seeding the demo's month of visits takes minutes on a busy machine.
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function staffPage(who: keyof typeof cookies, locale: string): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale, width: 1366, height: 900 });
  return watchedPage(context, `reminder-confirm-${who}-${locale}`, consoleErrors);
}

/** On the practice's clock, as the server writes the template's and the answer's date and time. */
const longDay = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long' }).format(
    new Date(iso),
  );
const clock = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
const dayOf = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(iso));

/**
 * A booked demo visit to remind: four hours ahead at least, and an hour clear of the practice's
 * rules (two rules for the same visits must be 30 minutes apart), of an English speaker with one
 * WhatsApp number that no other patient shares (a shared number gets one message for the whole
 * family, in the first patient's language).
 */
async function pickVisit(
  now: number,
  otherOffsets: number[],
): Promise<{ appointment: Appointment; patient: Patient; offsetMinutes: number }> {
  const { items } = await owner.ok<{ items: Appointment[] }>(
    'GET',
    `${P}/appointments?from=${new Date(now).toISOString()}&to=${new Date(now + 13 * 86_400_000).toISOString()}`,
  );
  const minutesAhead = (a: Appointment) => Math.ceil((Date.parse(a.start) - now) / 60_000);
  const candidates = items
    .filter((a) => a.status === 'booked' && a.patientId && minutesAhead(a) >= 240)
    .filter((a) => otherOffsets.every((offset) => Math.abs(minutesAhead(a) - offset) > 60))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (const appointment of candidates.slice(0, 40)) {
    const patient = await owner.ok<Patient>('GET', `${P}/patients/${appointment.patientId}`);
    const whatsapp = patient.phones.filter((p) => p.isWhatsApp);
    if (patient.preferredLanguage !== 'en' || patient.status !== 'active' || whatsapp.length !== 1) continue;
    const digits = whatsapp[0]!.e164.replace(/\D/g, '');
    const sharing = await owner.ok<{ items: { id: string }[] }>('GET', `${P}/patients?q=${digits.slice(3)}&limit=5`);
    if (sharing.items.length !== 1) continue;
    // Due a minute ago: the rule's time has just come.
    return { appointment, patient, offsetMinutes: minutesAhead(appointment) + 1 };
  }
  throw new Error(`No booked visit of an English speaker with a WhatsApp number of their own among ${items.length}`);
}

async function remindersOf(appointmentId: string): Promise<Reminder[]> {
  const body = await owner.ok<{ items: { reminders: Reminder[] }[] }>(
    'GET',
    `${P}/reminders/appointments?ids=${appointmentId}`,
  );
  return body.items[0]?.reminders ?? [];
}

const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: 30_000 });

describe('a reminder of a demo visit, confirmed on the phone', () => {
  it('goes out on WhatsApp, is confirmed with its button on the sandbox phone, and the calendar says confirmed', async () => {
    const settings = await owner.ok<ReminderSettings>('GET', `${P}/reminders/settings`);
    const { appointment, patient, offsetMinutes } = await pickVisit(
      Date.now(),
      settings.rules.map((r) => r.offsetMinutes),
    );
    // As the calendar names the patient (the panel's heading, the card's words).
    const name = appointment.patientName ?? `${patient.givenName} ${patient.familyName}`;
    const waId = patient.phones.find((p) => p.isWhatsApp)!.e164.replace(/\D/g, '');

    // A rule for this visit's type whose time has just come; no quiet hours, whatever the hour of the run.
    await owner.ok('PUT', `${P}/reminders/settings`, {
      enabled: true,
      rules: [
        ...settings.rules,
        { offsetMinutes, appointmentTypeIds: [appointment.appointmentTypeId], minLeadMinutes: 0 },
      ],
      quietHours: null,
    });
    // Through the sandbox's WhatsApp: the fake Graph API reports it delivered.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const mine = (await remindersOf(appointment.id)).find((r) => r.offsetMinutes === offsetMinutes);
      if (mine && ['delivered', 'read'].includes(mine.state)) break;
      if (Date.now() > deadline) throw new Error(`The reminder never reached the phone: ${JSON.stringify(mine)}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    // The owner's calendar, before the answer: booked, reminded.
    const calendar = await staffPage('owner', 'en-GB');
    const calendarUrl = new URL(`/app/${practiceId}/calendar?date=${dayOf(appointment.start)}`, app.baseUrl).toString();
    await calendar.goto(calendarUrl);
    const card = calendar.locator(`[data-appointment-id="${appointment.id}"]`);
    await expect
      .poll(() => card.getAttribute('aria-label'), { timeout: 20_000, interval: 250 })
      .toMatch(/, Booked, .*Reminded(, delivered|, read)? \S/);
    await expect(card.locator('.cal-appt-status-text').textContent()).resolves.toBe('Booked');

    // The patient's phone: the reminder's words and its three buttons.
    // The sandbox is for staff (it needs a session): the front desk plays the patient.
    const phone = await watchedPage(
      await newContext(browser, app, { cookie: cookies.reception, width: 1024, height: 768 }),
      'reminder-confirm-phone',
      consoleErrors,
    );
    await phone.goto(new URL('/sandbox/whatsapp', app.baseUrl).toString());
    await phone.getByLabel("Patient's WhatsApp number").fill(waId);
    await phone.getByLabel("Patient's WhatsApp name").fill(name);
    const chat = phone.getByRole('region', { name: /^Chat of / });
    await visible(chat);
    const firstName = patient.preferredName || patient.givenName;
    const reminderText = `Hello ${firstName}, this is a reminder of your appointment at ${PRACTICE_NAME} on ${longDay(appointment.start)} at ${clock(appointment.start)}.`;
    const reminder = chat.getByRole('listitem').filter({ hasText: reminderText }).last();
    await visible(reminder);
    const buttons = reminder.getByRole('group', { name: 'Reply buttons' }).getByRole('button');
    await expect(buttons.allTextContents()).resolves.toEqual(['Confirm', 'Reschedule', 'Cancel']);
    await phone.screenshot({ path: path.join(artifactsDir, 'reminder-confirm-phone-reminder.png') });

    await buttons.filter({ hasText: 'Confirm' }).click();
    // The tap shows as the patient's answer; the practice thanks them for the visit, named by its time.
    await visible(chat.getByRole('listitem').filter({ hasText: /^You:/ }).filter({ hasText: 'Confirm' }));
    await visible(
      chat.getByText(
        `Thank you! Your appointment on ${longDay(appointment.start)} at ${clock(appointment.start)} is confirmed.`,
      ),
    );
    await phone.screenshot({ path: path.join(artifactsDir, 'reminder-confirm-phone-thanked.png') });

    // The calendar again: confirmed on the card (its words and its spoken name) and in the panel.
    await calendar.reload();
    await expect
      .poll(() => card.getAttribute('aria-label'), { timeout: 20_000, interval: 250 })
      .toMatch(/, Confirmed, .*Reminded, confirmed$/);
    const label = (await card.getAttribute('aria-label')) ?? '';
    expect(label.startsWith(`${clock(appointment.start)}–${clock(appointment.end)}, `), label).toBe(true);
    expect(label).toContain(name);
    await expect(card.locator('.cal-appt-status-text').textContent()).resolves.toBe('Confirmed');
    await expect(card.locator('.reminder-mark').getAttribute('title')).resolves.toBe('Reminded, confirmed');
    await card.click();
    const panel = calendar.getByRole('complementary', { name });
    await visible(panel.locator('.status-pill'));
    await expect(panel.locator('.status-pill').textContent()).resolves.toBe('Confirmed');
    await expect(panel.locator('.reminder-line > span').last().textContent()).resolves.toBe('Reminded, confirmed');
    const history = panel.getByRole('region', { name: 'Status history' }).getByRole('listitem');
    await visible(history.filter({ hasText: 'Booked → Confirmed' }).filter({ hasText: 'WhatsApp reminder' }));
    await calendar.screenshot({ path: path.join(artifactsDir, 'reminder-confirm-calendar-en.png') });
    await calendar.context().close();

    // At the desk, in French.
    const desk = await staffPage('reception', 'fr-FR');
    await desk.goto(calendarUrl);
    const deskCard = desk.locator(`[data-appointment-id="${appointment.id}"]`);
    await expect
      .poll(() => deskCard.getAttribute('aria-label'), { timeout: 20_000, interval: 250 })
      .toMatch(/, Confirmé, .*Rappel envoyé, confirmé$/);
    await expect(deskCard.locator('.cal-appt-status-text').textContent()).resolves.toBe('Confirmé');
    await deskCard.click();
    const deskPanel = desk.getByRole('complementary', { name });
    await visible(deskPanel.locator('.status-pill'));
    await expect(deskPanel.locator('.status-pill').textContent()).resolves.toBe('Confirmé');
    await expect(deskPanel.locator('.reminder-line > span').last().textContent()).resolves.toBe(
      'Rappel envoyé, confirmé',
    );
    await desk.screenshot({ path: path.join(artifactsDir, 'reminder-confirm-calendar-fr.png') });
    await desk.context().close();
    await phone.context().close();
  }, 360_000);

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
