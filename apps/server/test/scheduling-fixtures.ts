import type { AppContext } from '../src/context.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { makeMember, makePractice } from './harness.js';

/** The next local Monday (Indian/Mauritius, UTC+4) at least two days away, as 'YYYY-MM-DD'. */
export function nextMonday(from = new Date()): string {
  const d = new Date(from.getTime() + 2 * 86_400_000);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** An instant from a Mauritian local date and time (UTC+4 all year). */
export const mu = (date: string, time: string) => new Date(`${date}T${time}:00+04:00`);

/**
 * A practice ready to book: two chairs, a dentist (the owner) and a hygienist working
 * Mon–Sat 08:00–12:00 and 13:00–17:00, open Mon–Sat 08:00–17:00, a 30-minute check-up with a
 * 10-minute buffer (dentists), a cleaning (hygienists), patients, and a receptionist.
 */
export async function makeSchedulingPractice(ctx: AppContext) {
  const practice = await makePractice(ctx);
  const receptionist = await makeMember(ctx, practice.practiceId, 'receptionist');
  const hygienist = await makeMember(ctx, practice.practiceId, 'hygienist');
  const dentist = await makeMember(ctx, practice.practiceId, 'dentist');
  const ids = await inPractice(ctx.db, practice.practiceId, async (tx) => {
    const practiceId = practice.practiceId;
    const [chair1, chair2] = await tx
      .insertInto('chairs')
      .values([
        { practiceId, name: 'Chair 1', sortOrder: 1 },
        { practiceId, name: 'Chair 2', sortOrder: 2 },
      ])
      .returning('id')
      .execute();
    await tx
      .insertInto('providers')
      .values([
        { practiceId, userId: practice.owner.id, displayName: 'Dr Owner' },
        { practiceId, userId: hygienist.id, displayName: 'Hygienist' },
        { practiceId, userId: dentist.id, displayName: 'Dr Second' },
      ])
      .execute();
    for (let weekday = 1; weekday <= 6; weekday++) {
      await tx
        .insertInto('openingHours')
        .values({ practiceId, weekday, startMinute: 8 * 60, endMinute: 17 * 60 })
        .execute();
      for (const providerId of [practice.owner.id, hygienist.id, dentist.id]) {
        await tx
          .insertInto('providerHours')
          .values([
            {
              practiceId,
              providerId,
              weekday,
              startMinute: 8 * 60,
              endMinute: 12 * 60,
              chairId: null,
              validFrom: null,
              validTo: null,
            },
            {
              practiceId,
              providerId,
              weekday,
              startMinute: 13 * 60,
              endMinute: 17 * 60,
              chairId: null,
              validFrom: null,
              validTo: null,
            },
          ])
          .execute();
      }
    }
    const checkup = await tx
      .insertInto('appointmentTypes')
      .values({
        practiceId,
        nameEn: 'Check-up',
        nameFr: 'Contrôle',
        durationMinutes: 30,
        bufferAfterMinutes: 10,
        allowedRoles: ['dentist', 'owner'],
        whatsappBookable: true,
        minNoticeMinutes: 120,
        maxDaysAhead: 60,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const cleaning = await tx
      .insertInto('appointmentTypes')
      .values({
        practiceId,
        nameEn: 'Cleaning',
        nameFr: 'Détartrage',
        durationMinutes: 45,
        allowedRoles: ['hygienist'],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { chair1: chair1!.id, chair2: chair2!.id, checkup: checkup.id, cleaning: cleaning.id };
  });
  const patients = [];
  for (const [givenName, familyName, phone] of [
    ['Ravi', 'Ramgoolam', '57123456'],
    ['Hélène', 'Lagesse', '+230 5798 7654'],
    ['Wei', 'Li', ''],
  ] as const) {
    patients.push(
      await createPatient(ctx, {
        actor: systemActor('test'),
        practiceId: practice.practiceId,
        patient: { givenName, familyName, phone },
      }),
    );
  }
  return { ...practice, ...ids, receptionist, hygienist, dentist, dentistId: practice.owner.id, patients };
}
