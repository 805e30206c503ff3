import { systemActor } from './access.js';
import { purgeAuditTrail } from './audit.js';
import { type DataOwner, NOTHING_HELD } from './data-owners.js';
import { AUDIT_TRAIL_DAYS, SESSION_DAYS } from './retention-dates.js';

/**
 * The platform's own tables, as a data owner: staff sessions and the audit trail. They hold
 * nothing a patient's copy or erasure takes (sessions are staff's; the audit trail records who
 * did what as ids, codes and field names, and the patients module exports what it says about a
 * patient: the record's history and who opened it). They are here for the retention rules and
 * the record of processing.
 *
 * The audit trail is kept 11 years after each event (the longest adult clinical period, counted from
 * the event rather than the visit; a practice may keep it longer, not shorter). It is append-only,
 * so the job removes whole months from its start only (purgeAuditTrail): the last removed event
 * becomes a checkpoint that `audit verify` starts from and that the chain itself records. A legal
 * hold on any patient stops it: the trail's events about one patient cannot be told apart reliably.
 */
export const platformDataOwner: DataOwner = {
  module: 'platform',
  movePatient: async () => undefined,
  onPatientDeceased: async () => undefined,
  exportPatient: async () => ({}),
  erasePatient: async () => NOTHING_HELD,
  retention: () => [
    {
      category: 'sessions',
      description: 'Staff sign-in sessions (the member, when, the address and browser they signed in from)',
      keptFor: `${SESSION_DAYS} days after they expire`,
      why: 'To keep members signed in and to show them where they are signed in',
      rule: { defaultDays: SESSION_DAYS, floorDays: 1, from: 'expiry', tiedTo: 'time' },
    },
    {
      category: 'audit_trail',
      description: 'The audit trail: who did what and when, as ids, codes and field names (never patients’ words)',
      keptFor: `11 years (${AUDIT_TRAIL_DAYS} days) after each event, then removed a whole month at a time from the oldest; kept while any legal hold is in force`,
      why: 'Accountability for every change and every opening of a clinical record; its hash chain shows nothing was altered',
      rule: {
        defaultDays: AUDIT_TRAIL_DAYS,
        floorDays: AUDIT_TRAIL_DAYS,
        from: 'created',
        tiedTo: 'time',
        anyHoldStops: true,
      },
    },
  ],
  purge: async (tx, input) => {
    if (input.category === 'audit_trail') {
      if (input.heldPatientIds.length > 0) return { count: 0 };
      const { count } = await purgeAuditTrail(tx, {
        practiceId: input.practiceId,
        before: startOfMonth(input.before),
        dryRun: input.dryRun,
        actor: systemActor('retention'),
      });
      return { count };
    }
    if (input.category !== 'sessions') return { count: 0 };
    const expired = tx.selectFrom('sessions').where('expiresAt', '<', input.before);
    if (input.dryRun) {
      const row = await expired.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return { count: Number(row.n) };
    }
    const result = await tx.deleteFrom('sessions').where('expiresAt', '<', input.before).executeTakeFirst();
    return { count: Number(result.numDeletedRows) };
  },
};

/** The first instant of the (UTC) month `at` falls in: the trail goes a whole month at a time. */
export function startOfMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}
