import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { readAuditEvents } from '../../platform/audit.js';
import { inPractice } from '../../platform/tenancy.js';
import { userNamesIn } from '../auth/auth.service.js';

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
    const rows = await readAuditEvents(tx, {
      targetType: 'patient',
      targetId: input.patientId,
      actionPrefix: 'clinical.',
      order: 'occurred',
      limit: input.limit,
    });
    const names = await userNamesIn(
      tx,
      rows.map((r) => r.actorUserId),
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        occurredAt: r.occurredAt.toISOString(),
        action: r.action,
        actorUserId: r.actorUserId,
        actorName: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null,
        ip: r.ip,
      })),
    };
  });
}
