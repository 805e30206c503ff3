import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';

/**
 * Who opened a patient's clinical record, and when: the 'clinical.*' events of the audit trail
 * that name the patient (alerts viewed here, the record opened by the clinical module), newest first.
 */
export async function getAccessLog(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string; limit: number },
) {
  requirePermission(input.actor, 'patients:access_log');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const patient = await tx.selectFrom('patients').select('id').where('id', '=', input.patientId).executeTakeFirst();
    if (!patient) throw new AppError('patient_not_found');
    const rows = await tx
      .selectFrom('auditEvents')
      .leftJoin('users', 'users.id', 'auditEvents.actorUserId')
      .select([
        'auditEvents.id',
        'auditEvents.occurredAt',
        'auditEvents.action',
        'auditEvents.actorUserId',
        'users.name as actorName',
        'auditEvents.ip',
      ])
      .where('auditEvents.targetType', '=', 'patient')
      .where('auditEvents.targetId', '=', input.patientId)
      .where('auditEvents.action', 'like', sql<string>`'clinical.%'`)
      .orderBy('auditEvents.occurredAt', 'desc')
      .orderBy('auditEvents.seq', 'desc')
      .limit(input.limit)
      .execute();
    return {
      items: rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString(), actorName: r.actorName ?? null })),
    };
  });
}
