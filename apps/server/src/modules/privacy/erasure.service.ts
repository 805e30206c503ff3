import type { ErasureReceipt } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { type ErasureOutcome, sealedStoresOf } from '../../platform/data-owners.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { erasePatientDetailsIn, identityNeededUntil } from '../patients/patient-privacy.service.js';
import { findPatientIn, patientLanguageIn } from '../patients/patients.service.js';
import { patientRetentionFactsIn } from '../patients/retention-facts.service.js';
import { patientVisitFactsIn } from '../scheduling/last-visits.service.js';
import { kindLabel, receiptText } from './erasure.receipt.js';
import { assertNoHoldIn } from './holds.service.js';
import { insertErasure, selectErasureClocks } from './retention.repository.js';
import { keptUntilIn } from './retention.plan.js';
import { minorsRecordsKeptUntil } from '../../platform/retention-dates.js';
import type { PatientClock } from './retention.rules.js';

/**
 * A deletion request, approved, carried out: every data owner erases what it may (or anonymises
 * what the practice's figures need) and says what it keeps, why and until when; the patients
 * module erases the record's own details (keeping name and birth date while a kept record needs
 * them); all in one transaction with one audit event, or nothing
 * at all. The receipt, in the patient's language, is recorded and returned for the requests
 * module to send.
 *
 * Under a legal hold nothing is erased: 409 legal_hold_active. A hold says the data must be kept
 * as it is (for a court, an insurer, the regulator), and the words of the issue are "nothing is
 * erased that must be kept": a partial erasure would destroy what the hold protects (messages are
 * evidence too). The request stays open until the hold is lifted.
 *
 * An owner whose erasure is not built yet (501 not_implemented) stops the whole erasure: a receipt
 * may only say what was done.
 */
export async function fulfilDeletion(
  ctx: AppContext,
  input: { practiceId: string; patientId: string; requestId: string | null; actor: Actor; now?: Date; tx?: Tx },
): Promise<ErasureReceipt> {
  requirePermission(input.actor, 'privacy:approve');
  if (input.tx) return eraseIn(ctx, input.tx, input);
  return inPractice(ctx.db, input.practiceId, (tx) => eraseIn(ctx, tx, input));
}

async function eraseIn(
  ctx: AppContext,
  tx: Tx,
  input: { practiceId: string; patientId: string; requestId: string | null; actor: Actor; now?: Date },
): Promise<ErasureReceipt> {
  const { practiceId, patientId, actor } = input;
  const now = input.now ?? new Date();
  // Row-level security: a patient of another practice is not found.
  const patient = await findPatientIn(tx, patientId);
  if (!patient) throw new AppError('patient_not_found');
  await assertNoHoldIn(tx, { practiceId, patientId, now });

  const clock = await clockBeforeErasure(tx, patientId, now);
  const eraseInput = { practiceId, patientId, actor, now, stores: sealedStoresOf(ctx) };
  const outcomes: { module: string; outcome: ErasureOutcome }[] = [];
  for (const owner of ctx.dataOwners)
    outcomes.push({
      module: owner.module,
      outcome: await owner.erasePatient(tx, eraseInput),
    });
  // The record's own details last: its name and birth date stay while any kept record needs them.
  outcomes.push({
    module: 'patients',
    outcome: await erasePatientDetailsIn(tx, {
      practiceId,
      patientId,
      identityNeededUntil: identityNeededUntil(outcomes.map((o) => o.outcome)),
      now,
    }),
  });

  const language = (await patientLanguageIn(tx, patientId)) === 'en' ? 'en' : 'fr';
  const practice = await practiceFactsIn(tx, practiceId);
  const erased = outcomes.flatMap(({ module, outcome }) =>
    Object.entries(outcome.erased).map(([kind, count]) => ({
      module,
      kind,
      label: kindLabel(kind, outcome.labels, language),
      count,
    })),
  );
  const kept: ErasureReceipt['kept'] = [];
  for (const { module, outcome } of outcomes)
    for (const k of outcome.kept)
      kept.push({
        module,
        kind: k.kind,
        label: kindLabel(k.kind, outcome.labels, language),
        why: k.why[language],
        until: k.until?.slice(0, 10) ?? (await keptUntilIn(ctx, tx, { module, clock })),
      });

  const minorUntil = clock.dateOfBirth
    ? minorsRecordsKeptUntil(clock.dateOfBirth, (clock.lastVisitAt ?? clock.createdAt).toISOString().slice(0, 10))
    : null;
  const body = { patientId, requestId: input.requestId, erasedAt: now.toISOString(), language, erased, kept } as const;
  const text = receiptText(body, practice?.name ?? '');
  const id = await insertErasure(tx, {
    practiceId,
    patientId,
    requestId: input.requestId,
    receipt: { ...body, text },
    lastVisitAt: clock.lastVisitAt,
    minorUntil,
    userId: actor.userId,
  });
  await recordAudit(tx, {
    practiceId,
    actor,
    action: 'privacy.patient_erased',
    targetType: 'patient',
    targetId: patientId,
    changes: {
      erasureId: id,
      requestId: input.requestId,
      erased: Object.fromEntries(erased.map((e) => [`${e.module}.${e.kind}`, e.count])),
      kept: kept.map((k) => ({ kind: `${k.module}.${k.kind}`, until: k.until })),
    },
  });
  return { id, ...body, text };
}

/** What the patient's retention counts from, read before the erasure may anonymise it. */
async function clockBeforeErasure(tx: Tx, patientId: string, now: Date): Promise<PatientClock> {
  const [facts] = await patientRetentionFactsIn(tx, { patientIds: [patientId] });
  const visit = (await patientVisitFactsIn(tx, { now, patientIds: [patientId] })).get(patientId);
  const earlier = (await selectErasureClocks(tx)).filter((e) => e.patientId === patientId).at(-1);
  const seen = [visit?.lastVisitAt, earlier?.lastVisitAt].filter((d): d is Date => !!d);
  return {
    lastVisitAt: seen.length > 0 ? new Date(Math.max(...seen.map((d) => d.getTime()))) : null,
    nextAppointmentAt: null,
    dateOfBirth: facts?.dateOfBirth ?? null,
    createdAt: facts?.createdAt ?? now,
    notBefore: earlier?.minorUntil ? new Date(`${earlier.minorUntil}T00:00:00Z`) : null,
  };
}
