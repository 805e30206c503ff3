import type { AppContext } from '../context.js';
import { type Actor, systemActor } from '../platform/access.js';
import { recordAudit } from '../platform/audit.js';
import { inPractice } from '../platform/tenancy.js';
import { createPatientsInBulk } from '../modules/patients/patients.service.js';
import { createAppointmentType } from '../modules/scheduling/appointment-types.service.js';
import { wallClock } from '../modules/scheduling/booking-rules.js';
import { createProvider, replaceProviderHours } from '../modules/scheduling/providers.service.js';
import { createChair, replaceOpeningHours } from '../modules/scheduling/settings.service.js';
import { createBlock, createClosure, listHolidays } from '../modules/scheduling/unavailability.service.js';
import { demoHouseholds } from './households.js';
import { seededRandom } from './random.js';
import { TZ_OFFSET, type Unavailable, planDemoVisits, playDemoVisit, sessionsOf } from './visits.js';

const actor = systemActor('demo seed');
const DAY = 86_400_000;

const TYPES = [
  {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    bufferAfterMinutes: 0,
    allowedRoles: ['owner', 'dentist'],
    colour: '#0ea5e9',
    whatsappBookable: true,
  },
  {
    nameEn: 'Scale and polish',
    nameFr: 'Détartrage et polissage',
    durationMinutes: 45,
    bufferAfterMinutes: 0,
    allowedRoles: ['hygienist'],
    colour: '#14b8a6',
    whatsappBookable: true,
  },
  {
    nameEn: 'Filling',
    nameFr: 'Obturation',
    durationMinutes: 60,
    bufferAfterMinutes: 10,
    allowedRoles: ['owner', 'dentist'],
    colour: '#f59e0b',
    whatsappBookable: false,
  },
  {
    nameEn: 'Extraction',
    nameFr: 'Extraction',
    durationMinutes: 45,
    bufferAfterMinutes: 15,
    allowedRoles: ['owner', 'dentist'],
    colour: '#ef4444',
    whatsappBookable: false,
  },
  {
    nameEn: 'Root canal treatment',
    nameFr: 'Traitement de canal',
    durationMinutes: 90,
    bufferAfterMinutes: 15,
    allowedRoles: ['owner', 'dentist'],
    colour: '#8b5cf6',
    whatsappBookable: false,
  },
  {
    nameEn: 'Emergency visit',
    nameFr: "Consultation d'urgence",
    durationMinutes: 30,
    bufferAfterMinutes: 0,
    allowedRoles: ['owner', 'dentist'],
    colour: '#db2777',
    whatsappBookable: true,
  },
] as const;

/**
 * Demo calendar: 3 chairs, 3 providers with their hours, opening hours, 6 appointment types, 200
 * patients (families: children with a parent as guardian, see households.ts), two closures, three
 * blocks and a month of appointments around today (see visits.ts): the past two weeks as they
 * happened (completed, some cancelled or no-shows), today's under way, the next two booked.
 * Everything goes through the services, appointments included. Runs once per practice (skipped
 * when it has chairs).
 */
export async function seedDemoCalendar(
  ctx: AppContext,
  practiceId: string,
  staff: { ownerId: string; dentistId: string; hygienistId: string; receptionistId: string },
  /** The seed's "today"; tests fix it. */
  now = new Date(),
) {
  const existing = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('chairs').select('id').limit(1).executeTakeFirst(),
  );
  if (existing) return { seeded: false };
  const call = { actor, practiceId };
  const random = seededRandom(2026);

  const chairs = [];
  for (const [i, name] of ['Chair 1', 'Chair 2', 'Chair 3'].entries()) {
    chairs.push(
      await createChair(ctx, {
        ...call,
        chair: { name, colour: ['#0f766e', '#1d4ed8', '#7c3aed'][i]!, sortOrder: i + 1, active: true },
      }),
    );
  }
  const weekdays = [1, 2, 3, 4, 5];
  await replaceOpeningHours(ctx, {
    ...call,
    hours: [
      ...weekdays.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
      { weekday: 6, start: '08:00', end: '12:00' },
    ],
  });
  const providers = [
    {
      userId: staff.ownerId,
      role: 'owner' as const,
      displayName: 'Dr Ramgoolam',
      colour: '#0f766e',
      chair: chairs[0]!.id,
    },
    {
      userId: staff.dentistId,
      role: 'dentist' as const,
      displayName: 'Dr Lagesse',
      colour: '#1d4ed8',
      chair: chairs[1]!.id,
    },
    {
      userId: staff.hygienistId,
      role: 'hygienist' as const,
      displayName: 'Nadia (hygienist)',
      colour: '#7c3aed',
      chair: chairs[2]!.id,
    },
  ];
  for (const p of providers) {
    await createProvider(ctx, {
      ...call,
      provider: { userId: p.userId, displayName: p.displayName, colour: p.colour, active: true },
    });
    const day = (weekday: number, start: string, end: string) => ({
      weekday,
      start,
      end,
      chairId: p.chair,
      validFrom: null,
      validTo: null,
    });
    await replaceProviderHours(ctx, {
      ...call,
      userId: p.userId,
      hours: [1, 2, 3, 4, 5, 6, 7].flatMap((w) => sessionsOf(w).map(([start, end]) => day(w, start, end))),
    });
  }
  const types = [];
  for (const t of TYPES) {
    types.push(
      await createAppointmentType(ctx, {
        ...call,
        appointmentType: {
          ...t,
          allowedRoles: [...t.allowedRoles],
          minNoticeMinutes: 120,
          maxDaysAhead: 90,
          active: true,
        },
      }),
    );
  }

  // 200 patients in about 80 households: the adults first, then the children with a parent as guardian.
  const today = wallClock(now, 'Indian/Mauritius').date;
  const households = demoHouseholds(random, 200, today);
  const adultIds = await createPatientsInBulk(ctx, { ...call, patients: households.flatMap((h) => h.adults) });
  let first = 0;
  const guardians = households.map((h) => {
    const guardian = adultIds[first]!;
    first += h.adults.length;
    return guardian;
  });
  const childIds = await createPatientsInBulk(ctx, {
    ...call,
    patients: households.flatMap((h, i) => h.children.map((child) => ({ ...child, guardianPatientId: guardians[i]! }))),
  });
  const patientIds = [...adultIds, ...childIds];

  // Closures and blocks first, so the visits are booked around them.
  const holidays = new Set((await listHolidays(ctx, call)).map((h) => h.date));
  const actorOf = (userId: string, role: Actor['role']): Actor => ({ userId, role, ip: null, requestId: 'demo seed' });
  const owner = actorOf(staff.ownerId, 'owner');
  const { closures, blocks, unavailable } = await seedUnavailability(ctx, {
    practiceId,
    owner,
    today,
    holidays,
    dentistId: staff.dentistId,
    chairId: chairs[2]!.id,
  });

  const visits = planDemoVisits({
    now,
    today,
    random,
    providers: providers.map((p) => ({ userId: p.userId, chairId: p.chair, role: p.role })),
    types,
    patientIds,
    holidays,
    unavailable,
  });
  const desk = actorOf(staff.receptionistId, 'receptionist');
  const clinicians = new Map(providers.map((p) => [p.userId, actorOf(p.userId, p.role)]));
  const statuses: Record<string, number> = {};
  const playAll = async (list: typeof visits) => {
    for (const visit of list) {
      const status = await playDemoVisit(ctx, practiceId, visit, { desk, provider: clinicians.get(visit.providerId)! });
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  // On PostgreSQL the providers' visits go side by side (no shared chair, so no waiting on each
  // other's locks); embedded, transactions take turns anyway and queueing for them costs more.
  if (ctx.database.embedded) await playAll(visits);
  else await Promise.all(providers.map((p) => playAll(visits.filter((v) => v.providerId === p.userId))));
  const appointments = visits.length;
  await inPractice(ctx.db, practiceId, (tx) =>
    recordAudit(tx, {
      practiceId,
      actor,
      action: 'demo.calendar_seeded',
      targetType: 'practice',
      targetId: practiceId,
      changes: { appointments, patients: patientIds.length },
    }),
  );
  return {
    seeded: true,
    chairs: chairs.length,
    providers: providers.length,
    appointmentTypes: types.length,
    patients: patientIds.length,
    closures,
    blocks,
    appointments,
    statuses,
  };
}

/**
 * What the calendar shows as closed or blocked: a training afternoon last week and a renovation
 * day ahead (closures), chair 3's servicing a few days ago, Dr Lagesse's day of leave and a team
 * meeting (blocks). On working days (Monday to Friday, no holiday) near today.
 */
async function seedUnavailability(
  ctx: AppContext,
  input: { practiceId: string; owner: Actor; today: string; holidays: Set<string>; dentistId: string; chairId: string },
): Promise<{ closures: number; blocks: number; unavailable: Unavailable[] }> {
  const workday = (offset: number, step: 1 | -1) => {
    for (let day = Date.parse(`${input.today}T00:00:00Z`) + offset * DAY; ; day += step * DAY) {
      const date = new Date(day);
      const iso = date.toISOString().slice(0, 10);
      if (date.getUTCDay() % 6 !== 0 && !input.holidays.has(iso)) return iso;
    }
  };
  const at = (day: string, clock: string) => new Date(`${day}T${clock}:00${TZ_OFFSET}`).toISOString();
  const call = { actor: input.owner, practiceId: input.practiceId };
  const renovation = workday(9, 1);
  const closures = [
    { start: at(workday(-6, -1), '13:00'), end: at(workday(-6, -1), '17:00'), reason: 'Staff first-aid training' },
    {
      start: at(renovation, '00:00'),
      end: new Date(Date.parse(at(renovation, '00:00')) + DAY).toISOString(),
      reason: 'Waiting room renovation',
    },
  ];
  const blocks = [
    {
      providerId: null,
      chairId: input.chairId,
      start: at(workday(-3, -1), '08:00'),
      end: at(workday(-3, -1), '10:00'),
      kind: 'maintenance' as const,
      note: 'Compressor and suction service',
    },
    {
      providerId: input.dentistId,
      chairId: null,
      start: at(workday(4, 1), '08:00'),
      end: at(workday(4, 1), '17:00'),
      kind: 'leave' as const,
      note: 'Conference in Réunion',
    },
    {
      providerId: null,
      chairId: null,
      start: at(workday(2, 1), '08:00'),
      end: at(workday(2, 1), '08:30'),
      kind: 'meeting' as const,
      note: 'Monthly team meeting',
    },
  ];
  const unavailable: Unavailable[] = [];
  for (const closure of closures) {
    const c = await createClosure(ctx, { ...call, closure });
    unavailable.push({ start: Date.parse(c.start), end: Date.parse(c.end), providerId: null, chairId: null });
  }
  for (const block of blocks) {
    const b = await createBlock(ctx, { ...call, block });
    unavailable.push({
      start: Date.parse(b.start),
      end: Date.parse(b.end),
      providerId: b.providerId,
      chairId: b.chairId,
    });
  }
  return { closures: closures.length, blocks: blocks.length, unavailable };
}
