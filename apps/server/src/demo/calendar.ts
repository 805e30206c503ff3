import type { Insertable } from 'kysely';
import type { AppContext } from '../app.js';
import type { AppointmentsTable } from '../db/schema.js';
import { systemActor } from '../platform/access.js';
import { recordAudit } from '../platform/audit.js';
import { inPractice } from '../platform/tenancy.js';
import { createPatientsInBulk } from '../modules/patients/patients.service.js';
import { createAppointmentType } from '../modules/scheduling/appointment-types.service.js';
import { wallClock } from '../modules/scheduling/booking-rules.js';
import { createProvider, replaceProviderHours } from '../modules/scheduling/providers.service.js';
import { createChair, replaceOpeningHours } from '../modules/scheduling/settings.service.js';
import { demoHouseholds } from './households.js';
import { seededRandom } from './random.js';

const actor = systemActor('demo seed');
const TZ_OFFSET = '+04:00'; // Indian/Mauritius, no daylight saving

const TYPES = [
  { nameEn: 'Check-up', nameFr: 'Contrôle', durationMinutes: 30, bufferAfterMinutes: 0, allowedRoles: ['owner', 'dentist'], colour: '#0ea5e9', whatsappBookable: true },
  { nameEn: 'Scale and polish', nameFr: 'Détartrage et polissage', durationMinutes: 45, bufferAfterMinutes: 0, allowedRoles: ['hygienist'], colour: '#14b8a6', whatsappBookable: true },
  { nameEn: 'Filling', nameFr: 'Obturation', durationMinutes: 60, bufferAfterMinutes: 10, allowedRoles: ['owner', 'dentist'], colour: '#f59e0b', whatsappBookable: false },
  { nameEn: 'Extraction', nameFr: 'Extraction', durationMinutes: 45, bufferAfterMinutes: 15, allowedRoles: ['owner', 'dentist'], colour: '#ef4444', whatsappBookable: false },
  { nameEn: 'Root canal treatment', nameFr: 'Traitement de canal', durationMinutes: 90, bufferAfterMinutes: 15, allowedRoles: ['owner', 'dentist'], colour: '#8b5cf6', whatsappBookable: false },
  { nameEn: 'Emergency visit', nameFr: "Consultation d'urgence", durationMinutes: 30, bufferAfterMinutes: 0, allowedRoles: ['owner', 'dentist'], colour: '#db2777', whatsappBookable: true },
] as const;

/**
 * Demo calendar: 3 chairs, 3 providers with their hours, opening hours, 6 appointment types, 200
 * patients (families: children with a parent as guardian, see households.ts) and a month of appointments around today: the
 * past two weeks as they happened (completed, some cancelled or no-shows), the next two booked.
 * Settings go through the services; the appointments are written as history, since the booking
 * service rightly refuses the past. Runs once per practice (skipped when it has chairs).
 */
export async function seedDemoCalendar(ctx: AppContext, practiceId: string, staff: { ownerId: string; dentistId: string; hygienistId: string }) {
  const existing = await inPractice(ctx.db, practiceId, (tx) => tx.selectFrom('chairs').select('id').limit(1).executeTakeFirst());
  if (existing) return { seeded: false };
  const call = { actor, practiceId };
  const random = seededRandom(2026);

  const chairs = [];
  for (const [i, name] of ['Chair 1', 'Chair 2', 'Chair 3'].entries()) {
    chairs.push(await createChair(ctx, { ...call, chair: { name, colour: ['#0f766e', '#1d4ed8', '#7c3aed'][i]!, sortOrder: i + 1, active: true } }));
  }
  const weekdays = [1, 2, 3, 4, 5];
  await replaceOpeningHours(ctx, {
    ...call,
    hours: [...weekdays.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })), { weekday: 6, start: '08:00', end: '12:00' }],
  });
  const providers = [
    { userId: staff.ownerId, displayName: 'Dr Ramgoolam', colour: '#0f766e', chair: chairs[0]!.id },
    { userId: staff.dentistId, displayName: 'Dr Lagesse', colour: '#1d4ed8', chair: chairs[1]!.id },
    { userId: staff.hygienistId, displayName: 'Nadia (hygienist)', colour: '#7c3aed', chair: chairs[2]!.id },
  ];
  for (const p of providers) {
    await createProvider(ctx, { ...call, provider: { userId: p.userId, displayName: p.displayName, colour: p.colour, active: true } });
    const day = (weekday: number, start: string, end: string) => ({ weekday, start, end, chairId: p.chair, validFrom: null, validTo: null });
    await replaceProviderHours(ctx, {
      ...call,
      userId: p.userId,
      hours: [...weekdays.flatMap((w) => [day(w, '08:00', '12:00'), day(w, '13:00', '17:00')]), day(6, '08:00', '12:00')],
    });
  }
  const types = [];
  for (const t of TYPES) {
    types.push(await createAppointmentType(ctx, { ...call, appointmentType: { ...t, allowedRoles: [...t.allowedRoles], minNoticeMinutes: 120, maxDaysAhead: 90, active: true } }));
  }

  // 200 patients in about 80 households: the adults first, then the children with a parent as guardian.
  const now = new Date();
  const today = wallClock(now, 'Indian/Mauritius').date;
  const households = demoHouseholds(random, 200, today);
  const adultIds = await createPatientsInBulk(ctx, { ...call, patients: households.flatMap((h) => h.adults) });
  let first = 0;
  const guardians = households.map((h) => {
    const guardian = adultIds[first]!;
    first += h.adults.length;
    return guardian;
  });
  const childIds = await createPatientsInBulk(ctx, { ...call, patients: households.flatMap((h, i) => h.children.map((child) => ({ ...child, guardianPatientId: guardians[i]! }))) });
  const patientIds = [...adultIds, ...childIds];

  // A month of appointments, provider by provider, each filling about three quarters of the day.
  const appointments: Insertable<AppointmentsTable>[] = [];
  for (let offset = -14; offset <= 16; offset++) {
    const date = new Date(`${today}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + offset);
    const iso = date.toISOString().slice(0, 10);
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    if (weekday === 7) continue;
    const sessions = weekday === 6 ? [['08:00', '12:00']] : [['08:00', '12:00'], ['13:00', '17:00']];
    for (const p of providers) {
      const allowed = types.filter((t) => t.allowedRoles.includes(p.userId === staff.hygienistId ? 'hygienist' : 'dentist'));
      for (const [from, to] of sessions) {
        let cursor = new Date(`${iso}T${from}:00${TZ_OFFSET}`).getTime();
        const end = new Date(`${iso}T${to}:00${TZ_OFFSET}`).getTime();
        while (cursor < end) {
          const type = random.pick(allowed);
          const finish = cursor + type.durationMinutes * 60_000;
          if (finish > end) break;
          if (random.chance(0.75)) {
            const past = finish < now.getTime();
            const status = past
              ? random.chance(0.08) ? 'cancelled' : random.chance(0.05) ? 'no_show' : 'completed'
              : random.chance(0.4) ? 'confirmed' : 'booked';
            appointments.push({
              practiceId,
              patientId: random.pick(patientIds),
              providerId: p.userId,
              chairId: p.chair,
              appointmentTypeId: type.id,
              period: `[${new Date(cursor).toISOString()},${new Date(finish).toISOString()})`,
              occupied: `[${new Date(cursor).toISOString()},${new Date(finish + type.bufferAfterMinutes * 60_000).toISOString()})`,
              status,
              source: random.pick(['staff', 'phone', 'phone', 'whatsapp', 'walk_in'] as const),
              createdBy: staff.ownerId,
              cancellationReason: status === 'cancelled' ? 'Patient asked to cancel' : null,
            });
          }
          cursor = finish + type.bufferAfterMinutes * 60_000;
          // Round up to the 15-minute grid, as the calendar offers slots.
          cursor = Math.ceil(cursor / 900_000) * 900_000;
        }
      }
    }
  }
  await inPractice(ctx.db, practiceId, async (tx) => {
    for (let i = 0; i < appointments.length; i += 500) {
      await tx.insertInto('appointments').values(appointments.slice(i, i + 500)).execute();
    }
    await recordAudit(tx, { practiceId, actor, action: 'demo.calendar_seeded', targetType: 'practice', targetId: practiceId, changes: { appointments: appointments.length, patients: patientIds.length } });
  });
  return { seeded: true, chairs: chairs.length, providers: providers.length, appointmentTypes: types.length, patients: patientIds.length, appointments: appointments.length };
}
