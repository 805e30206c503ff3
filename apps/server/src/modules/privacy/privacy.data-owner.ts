import type { DataOwner } from '../../platform/data-owners.js';
import { lockPatientHolds } from './holds.repository.js';

/** Eleven years, in the days the rules count (365.25 a year): the clinical records' period, which the receipts follow. */
const ELEVEN_YEARS_DAYS = 4018;

/**
 * The privacy module's own rows about patients: legal holds and the receipts of erasures.
 *
 * - A merge moves them to the survivor; an open hold of the merged record is lifted (reason
 *   "merged") when the survivor has one already (one open hold per patient).
 * - A death changes nothing.
 * - An export lists the receipts and when holds were set and lifted (not their reasons: those are
 *   the practice's notes on legal proceedings).
 * - An erasure keeps both: a receipt is the proof that a request was carried out, a hold's history
 *   the record of why data was kept. (A hold in force stops the erasure before this runs.)
 * - Retention: a receipt is kept as long as the clinical records it speaks of (11 years after the
 *   last visit, a minor's until at least 25), then purged with them by the retention job.
 */
export const privacyDataOwner: DataOwner = {
  module: 'privacy',
  movePatient: async (tx, { practiceId, fromPatientId, toPatientId }) => {
    await lockPatientHolds(tx, toPatientId);
    const survivorHeld = await tx
      .selectFrom('legalHolds')
      .select('id')
      .where('patientId', '=', toPatientId)
      .where('liftedAt', 'is', null)
      .executeTakeFirst();
    if (survivorHeld)
      await tx
        .updateTable('legalHolds')
        .set({ liftedAt: new Date(), liftReason: `Merged into a record under its own hold (${survivorHeld.id})` })
        .where('patientId', '=', fromPatientId)
        .where('liftedAt', 'is', null)
        .execute();
    await tx
      .updateTable('legalHolds')
      .set({ patientId: toPatientId })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', fromPatientId)
      .execute();
    await tx
      .updateTable('patientErasures')
      .set({ patientId: toPatientId })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', fromPatientId)
      .execute();
  },
  onPatientDeceased: async () => undefined,
  exportPatient: async (tx, { practiceId, patientId }) => ({
    erasureReceipts: (
      await tx
        .selectFrom('patientErasures')
        .select(['erasedAt', 'receipt'])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('erasedAt')
        .execute()
    ).map((r) => ({ erasedAt: r.erasedAt.toISOString(), receipt: r.receipt })),
    legalHolds: (
      await tx
        .selectFrom('legalHolds')
        .select(['setAt', 'endsOn', 'liftedAt'])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('setAt')
        .execute()
    ).map((h) => ({ setAt: h.setAt.toISOString(), endsOn: h.endsOn, liftedAt: h.liftedAt?.toISOString() ?? null })),
  }),
  erasePatient: async (tx, { practiceId, patientId }) => {
    const counts = await tx
      .selectFrom('patientErasures')
      .select((eb) => [
        eb.fn.countAll<string>().as('receipts'),
        eb
          .selectFrom('legalHolds')
          .select((h) => h.fn.countAll<string>().as('n'))
          .where('practiceId', '=', practiceId)
          .where('patientId', '=', patientId)
          .as('holds'),
      ])
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirstOrThrow();
    return {
      erased: {},
      kept: [
        ...(Number(counts.receipts) > 0
          ? [{ kind: 'erasureReceipts', why: 'They prove that your earlier requests were carried out', until: null }]
          : []),
        ...(Number(counts.holds) > 0
          ? [{ kind: 'legalHolds', why: 'They record why your data had to be kept for legal proceedings', until: null }]
          : []),
      ],
    };
  },
  retention: () => [
    {
      category: 'erasure_receipts',
      description: 'Receipts of erasures done for deletion requests (what was erased, what was kept and until when)',
      keptFor: '11 years after the last visit, as the clinical records they speak of',
      why: 'They prove the request was carried out, for as long as the records kept remain',
      rule: { defaultDays: ELEVEN_YEARS_DAYS, floorDays: ELEVEN_YEARS_DAYS, from: 'last_visit', tiedTo: 'patient' },
    },
    {
      category: 'legal_holds',
      description: 'Legal holds on patients’ data (when set and lifted, and why)',
      keptFor: 'as long as the patient’s records',
      why: 'They record why data was kept beyond its period',
    },
  ],
  purge: async (tx, { practiceId, category, patientIds, heldPatientIds, dryRun }) => {
    if (category !== 'erasure_receipts') return { count: 0 };
    const held = new Set(heldPatientIds);
    const due = patientIds.filter((id) => !held.has(id));
    if (due.length === 0) return { count: 0 };
    if (dryRun) {
      const row = await tx
        .selectFrom('patientErasures')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('practiceId', '=', practiceId)
        .where('patientId', 'in', due)
        .executeTakeFirstOrThrow();
      return { count: Number(row.n) };
    }
    const result = await tx
      .deleteFrom('patientErasures')
      .where('practiceId', '=', practiceId)
      .where('patientId', 'in', due)
      .executeTakeFirst();
    return { count: Number(result.numDeletedRows) };
  },
};
