import type { AppContext } from '../context.js';
import { type Actor, systemActor } from '../platform/access.js';
import { inPractice } from '../platform/tenancy.js';
import { setRecall } from '../modules/scheduling/recalls.service.js';
import { addToWaitlist } from '../modules/scheduling/waitlist.service.js';
import { wallClock } from '../modules/scheduling/booking-rules.js';

const DAY = 86_400_000;

/**
 * The demo's recall list and waitlist, so the Recalls and Waitlist screens have work on them:
 * check-ups (with the dentists) and scale-and-polish visits (with the hygienist) due from six
 * weeks ago to three months ahead, and a few patients waiting for an earlier slot with their
 * preferred days and times. Written through the front desk's own use cases; skipped when the
 * practice already has recalls (running the seed twice changes nothing).
 */
export async function seedDemoRecalls(
  ctx: AppContext,
  practiceId: string,
  staff: { ownerId: string; dentistId: string; hygienistId: string },
  now = new Date(),
) {
  const found = await inPractice(ctx.db, practiceId, async (tx) => ({
    existing: await tx.selectFrom('recalls').select('id').limit(1).executeTakeFirst(),
    types: await tx
      .selectFrom('appointmentTypes')
      .select(['id', 'allowedRoles'])
      .where('active', '=', true)
      .orderBy('createdAt')
      .execute(),
    // The first patients on file, adults and children alike.
    patients: (await tx.selectFrom('patients').select('id').orderBy('createdAt').orderBy('id').limit(40).execute()).map(
      (p) => p.id,
    ),
  }));
  if (found.existing) return { recalls: 0, waitlist: 0 };
  const checkup = found.types.find((x) => x.allowedRoles.includes('dentist'));
  const hygiene = found.types.find((x) => x.allowedRoles.includes('hygienist'));
  if (!checkup || found.patients.length === 0) return { recalls: 0, waitlist: 0 };
  const actor: Actor = systemActor('demo seed');
  const call = { actor, practiceId };
  const today = Date.parse(`${wallClock(now, 'Indian/Mauritius').date}T00:00:00Z`);
  const dayFrom = (offset: number) => new Date(today + offset * DAY).toISOString().slice(0, 10);

  let recalls = 0;
  // Every fifth day from 45 days ago: a few overdue, most of this month and the next three.
  const recallPatients = found.patients.slice(0, 28);
  for (const [i, patientId] of recallPatients.entries()) {
    const forHygiene = hygiene !== undefined && i % 3 === 2;
    await setRecall(ctx, {
      ...call,
      recall: {
        patientId,
        kind: forHygiene ? 'hygiene' : 'checkup',
        dueDate: dayFrom(-45 + i * 5),
        intervalMonths: forHygiene ? 6 : i % 4 === 0 ? 12 : 6,
        notes: '',
        appointmentTypeId: forHygiene ? hygiene.id : checkup.id,
        providerId: forHygiene ? staff.hygienistId : i % 2 === 0 ? staff.ownerId : staff.dentistId,
      },
    });
    recalls++;
  }

  const waiting = [
    { days: [2, 4], start: null, end: '12:00', notes: 'Retired; prefers mornings, comes by bus.' },
    { days: [], start: '12:00', end: null, notes: 'Works mornings in Port Louis.' },
    { days: [6], start: null, end: null, notes: 'Saturdays only (school).' },
    { days: [1, 3, 5], start: '08:00', end: '10:00', notes: '' },
    { days: [], start: null, end: null, notes: 'Wants an earlier date for a crown review.' },
  ] as const;
  let waitlist = 0;
  for (const [i, w] of waiting.entries()) {
    const patientId = found.patients[recallPatients.length + i];
    if (!patientId) break;
    const type = i === 2 && hygiene ? hygiene : checkup;
    await addToWaitlist(ctx, {
      ...call,
      entry: {
        patientId,
        appointmentTypeId: type.id,
        providerId: i === 0 ? staff.dentistId : null,
        preferredWeekdays: [...w.days],
        preferredStart: w.start,
        preferredEnd: w.end,
        earliest: i === 3 ? dayFrom(7) : null,
        latest: i === 4 ? dayFrom(60) : null,
        notes: w.notes,
      },
    });
    waitlist++;
  }
  return { recalls, waitlist };
}
