import type { DataOwner } from './data-owners.js';
import { AUDIT_TRAIL_DAYS, SESSION_DAYS } from './retention-dates.js';

/**
 * The platform's own tables, as a data owner: staff sessions and the audit trail. They hold
 * nothing a patient's copy or erasure takes (sessions are staff's; the audit trail records who
 * did what as ids, codes and field names, and the patients module exports what it says about a
 * patient: the record's history and who opened it). They are here for the retention rules and
 * the record of processing.
 *
 * The audit trail has no rule the job enforces: it is append-only (a trigger refuses updates and
 * deletes, the application role has neither right) and `audit verify` checks it from its first
 * event, so deleting old events would break the chain. It is kept at least 11 years; the first
 * events are due in 2037, and pruning them will need a recorded checkpoint the verifier starts from.
 */
export const platformDataOwner: DataOwner = {
  module: 'platform',
  movePatient: async () => undefined,
  onPatientDeceased: async () => undefined,
  exportPatient: async () => ({}),
  erasePatient: async () => ({ erased: {}, kept: [] }),
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
      keptFor: `at least 11 years (${AUDIT_TRAIL_DAYS} days); not pruned while the trail must verify from its first event`,
      why: 'Accountability for every change and every opening of a clinical record; its hash chain shows nothing was altered',
    },
  ],
  purge: async (tx, input) => {
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
