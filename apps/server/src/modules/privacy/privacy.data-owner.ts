import { sql } from 'kysely';
import type { DataOwner } from '../../platform/data-owners.js';
import { CLINICAL_RECORDS_DAYS } from '../../platform/retention-dates.js';
import { lockPatientHolds } from './holds.repository.js';

/** What an erased request's proposed value reads. */
const ERASED_VALUE = '(erased)';

/** The tables the retention job purges, by category (both tied to the patient's last visit). */
const PURGED: Record<string, 'patientErasures' | 'privacyRequests'> = {
  erasure_receipts: 'patientErasures',
  rights_requests: 'privacyRequests',
};

/**
 * The privacy module's own rows about patients: their rights requests, legal holds and the
 * receipts of erasures.
 *
 * - A merge moves them to the survivor; an open hold of the merged record is lifted (reason
 *   "merged") when the survivor has one already (one open hold per patient).
 * - A death changes nothing.
 * - An export lists the requests (with the staff's notes and a correction's proposed value: they
 *   are about the patient), the receipts, and when holds were set and lifted (not their reasons:
 *   those are the practice's notes on legal proceedings).
 * - An erasure blanks the requests' free text (notes, a correction's proposed value, how identity
 *   was checked) and keeps their facts: type, source, dates, who decided. They, the receipts and
 *   the holds' history are the proof that requests were answered and why data was kept. (A hold in
 *   force stops the erasure before this runs.)
 * - Retention: requests and receipts are kept as long as the clinical records they speak of (11
 *   years after the last visit, a minor's until at least 25), then purged with them.
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
    for (const table of ['patientErasures', 'privacyRequests'] as const)
      await tx
        .updateTable(table)
        .set({ patientId: toPatientId })
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', fromPatientId)
        .execute();
  },
  onPatientDeceased: async () => undefined,
  exportPatient: async (tx, { practiceId, patientId }) => ({
    rightsRequests: (
      await tx
        .selectFrom('privacyRequests')
        .select([
          'type',
          'source',
          'state',
          'receivedAt',
          'dueAt',
          'note',
          'proposedChange',
          'verificationMethod',
          'verificationNote',
          'verifiedAt',
          'approvedAt',
          'refusedReason',
          'closedAt',
        ])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('receivedAt')
        .execute()
    ).map((r) => ({
      ...r,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      verifiedAt: r.verifiedAt?.toISOString() ?? null,
      approvedAt: r.approvedAt?.toISOString() ?? null,
      closedAt: r.closedAt?.toISOString() ?? null,
    })),
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
    const blanked = await tx
      .updateTable('privacyRequests')
      .set({
        note: '',
        verificationNote: null,
        proposedChange: sql<string | null>`CASE WHEN proposed_change IS NULL THEN NULL
          ELSE jsonb_set(proposed_change, '{proposedValue}', to_jsonb(${ERASED_VALUE}::text)) END`,
        updatedAt: new Date(),
      })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .where(
        sql<boolean>`(note <> '' OR verification_note IS NOT NULL
          OR (proposed_change IS NOT NULL AND proposed_change->>'proposedValue' <> ${ERASED_VALUE}))`,
      )
      .executeTakeFirst();
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
        eb
          .selectFrom('privacyRequests')
          .select((r) => r.fn.countAll<string>().as('n'))
          .where('practiceId', '=', practiceId)
          .where('patientId', '=', patientId)
          .as('requests'),
      ])
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirstOrThrow();
    return {
      erased: { rightsRequestDetails: Number(blanked.numUpdatedRows) },
      kept: [
        ...(Number(counts.requests) > 0
          ? [
              {
                kind: 'rightsRequests',
                why: {
                  en: 'They prove that your requests about your data were answered, and when',
                  fr: 'Elles prouvent que vos demandes sur vos données ont reçu une réponse, et quand',
                },
                until: null,
              },
            ]
          : []),
        ...(Number(counts.receipts) > 0
          ? [
              {
                kind: 'erasureReceipts',
                why: {
                  en: 'They prove that your earlier requests were carried out',
                  fr: 'Ils prouvent que vos demandes précédentes ont été exécutées',
                },
                until: null,
              },
            ]
          : []),
        ...(Number(counts.holds) > 0
          ? [
              {
                kind: 'legalHolds',
                why: {
                  en: 'They record why your data had to be kept for legal proceedings',
                  fr: 'Elles disent pourquoi vos données ont dû être gardées pour une procédure',
                },
                until: null,
              },
            ]
          : []),
      ],
      labels: {
        rightsRequestDetails: {
          en: 'The notes on your requests about your data',
          fr: 'Les notes sur vos demandes concernant vos données',
        },
        rightsRequests: { en: 'Your requests about your data', fr: 'Vos demandes concernant vos données' },
        erasureReceipts: { en: 'Receipts of your earlier requests', fr: 'Les reçus de vos demandes précédentes' },
        legalHolds: {
          en: 'Records of legal holds on your data',
          fr: 'Les traces des conservations légales de vos données',
        },
      },
    };
  },
  retention: () => [
    {
      category: 'rights_requests',
      description:
        'Patients’ requests about their data (type, source, dates, identity check, decision); their notes and a correction’s proposed value are blanked at erasure',
      keptFor: '11 years after the last visit, as the clinical records',
      why: 'They prove each request was answered within the legal time, for as long as the records kept remain',
      rule: {
        defaultDays: CLINICAL_RECORDS_DAYS,
        floorDays: CLINICAL_RECORDS_DAYS,
        from: 'last_visit',
        tiedTo: 'patient',
      },
    },
    {
      category: 'erasure_receipts',
      description: 'Receipts of erasures done for deletion requests (what was erased, what was kept and until when)',
      keptFor: '11 years after the last visit, as the clinical records they speak of',
      why: 'They prove the request was carried out, for as long as the records kept remain',
      rule: {
        defaultDays: CLINICAL_RECORDS_DAYS,
        floorDays: CLINICAL_RECORDS_DAYS,
        from: 'last_visit',
        tiedTo: 'patient',
      },
    },
    {
      category: 'legal_holds',
      description: 'Legal holds on patients’ data (when set and lifted, and why)',
      keptFor: 'as long as the patient’s records',
      why: 'They record why data was kept beyond its period',
    },
  ],
  purge: async (tx, { practiceId, category, patientIds, heldPatientIds, dryRun }) => {
    const table = PURGED[category];
    if (!table) return { count: 0 };
    const held = new Set(heldPatientIds);
    const due = patientIds.filter((id) => !held.has(id));
    if (due.length === 0) return { count: 0 };
    if (dryRun) {
      const row = await tx
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('practiceId', '=', practiceId)
        .where('patientId', 'in', due)
        .executeTakeFirstOrThrow();
      return { count: Number(row.n) };
    }
    const result = await tx
      .deleteFrom(table)
      .where('practiceId', '=', practiceId)
      .where('patientId', 'in', due)
      .executeTakeFirst();
    return { count: Number(result.numDeletedRows) };
  },
};
