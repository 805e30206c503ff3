import type { PatientDuplicateCheck, PatientSummary } from '@dentalpro/contracts';
import type { z } from 'zod';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { toE164 } from './phones.js';
import { SUMMARY_COLUMNS, toSummary } from './patients.repository.js';
import { searchNameOf } from './search.js';

/** Trigram similarity of folded names above which two people born the same day are likely one. */
export const SIMILAR_NAME = 0.5;

export interface DuplicateProbe {
  /** The patient being checked, left out of the answer. */
  patientId?: string;
  phones: string[];
  searchName: string;
  dateOfBirth: string | null;
}

/**
 * Likely duplicates: another (not merged) patient with one of the same phone numbers, or a
 * similar name and the same birth date. A warning for people to judge, never a refusal:
 * twins share a birth date and families share a phone.
 */
export async function findDuplicatesIn(tx: Tx, probe: DuplicateProbe): Promise<PatientSummary[]> {
  if (probe.phones.length === 0 && !probe.dateOfBirth) return [];
  const rows = await tx
    .selectFrom('patients')
    .select(SUMMARY_COLUMNS)
    .where('patients.mergedIntoId', 'is', null)
    .$if(Boolean(probe.patientId), (q) => q.where('patients.id', '<>', probe.patientId!))
    .where((eb) => {
      const reasons = [];
      if (probe.phones.length) {
        reasons.push(
          eb(
            'patients.id',
            'in',
            eb
              .selectFrom('patientPhones')
              .select('patientPhones.patientId')
              .where('patientPhones.e164', 'in', probe.phones),
          ),
        );
      }
      if (probe.dateOfBirth) {
        reasons.push(
          eb.and([
            eb('patients.dateOfBirth', '=', probe.dateOfBirth),
            eb(sql`similarity(patients.search_name, ${probe.searchName})`, '>', SIMILAR_NAME),
          ]),
        );
      }
      return eb.or(reasons);
    })
    .orderBy('patients.sortName')
    .limit(10)
    .execute();
  return rows.map(toSummary);
}

/** GET .../patients/:id/duplicates: the same check, for a patient already on file. */
export async function listDuplicates(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string },
): Promise<PatientSummary[]> {
  requirePermission(input.actor, 'patients:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const patient = await tx
      .selectFrom('patients')
      .select(['id', 'searchName', 'dateOfBirth'])
      .where('id', '=', input.patientId)
      .executeTakeFirst();
    if (!patient) throw new AppError('patient_not_found');
    const phones = await tx
      .selectFrom('patientPhones')
      .select('e164')
      .where('patientId', '=', input.patientId)
      .execute();
    return findDuplicatesIn(tx, {
      patientId: patient.id,
      phones: phones.map((p) => p.e164),
      searchName: patient.searchName,
      dateOfBirth: patient.dateOfBirth,
    });
  });
}

/**
 * POST .../patients/duplicate-check: the same check for a patient not created yet, so the form
 * can warn before Create. Names are folded and numbers normalised as createPatient does; a number
 * still being typed (not valid yet) is simply left out. A read: nothing is written or audited.
 */
export async function checkDraftForDuplicates(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; draft: z.output<typeof PatientDuplicateCheck> },
): Promise<PatientSummary[]> {
  requirePermission(input.actor, 'patients:write');
  const { draft } = input;
  const phones = [...new Set(draft.phones.map(toE164).filter((e164): e164 is string => Boolean(e164)))];
  const searchName = searchNameOf(draft);
  if (phones.length === 0 && !(draft.dateOfBirth && searchName)) return [];
  return inPractice(ctx.db, input.practiceId, (tx) =>
    findDuplicatesIn(tx, { phones, searchName, dateOfBirth: draft.dateOfBirth }),
  );
}
