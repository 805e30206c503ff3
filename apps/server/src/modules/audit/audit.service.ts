import type { AuditEvent, AuditPage } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { readAuditEvents } from '../../platform/audit.js';
import { inPractice } from '../../platform/tenancy.js';
import { userNamesIn } from '../auth/auth.service.js';
import { appointmentIdsOfPatient } from '../scheduling/audit-targets.service.js';
import { describeTargets } from './audit-targets.js';

export interface AuditFilter {
  action?: string;
  actions?: string;
  actorUserId?: string;
  targetType?: string;
  targetId?: string;
  patientId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

/**
 * Newest first, paged by sequence number (stable while new events arrive), with the page's
 * targets named as they are now (see audit-targets.ts).
 */
export async function listAuditEvents(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; filter: AuditFilter },
): Promise<AuditPage> {
  requirePermission(input.actor, 'audit:read');
  const f = input.filter;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const patientId = f.patientId;
    const rows = await readAuditEvents(tx, {
      actionPrefix: f.action,
      actions: f.actions?.split(','),
      actorUserId: f.actorUserId,
      targetType: f.targetType,
      targetId: f.targetId,
      // A patient's events: about them, about their appointments, or naming them in the changes.
      about: patientId
        ? {
            targets: [
              { type: 'patient', ids: [patientId] },
              { type: 'appointment', ids: await appointmentIdsOfPatient(tx, patientId) },
            ],
            changes: { key: 'patientId', value: patientId },
          }
        : undefined,
      from: f.from ? new Date(f.from) : undefined,
      to: f.to ? new Date(f.to) : undefined,
      beforeSeq: f.before,
      order: 'seq',
      limit: f.limit + 1,
    });
    const page = rows.slice(0, f.limit);
    const names = await userNamesIn(
      tx,
      page.map((r) => r.actorUserId),
    );
    const items: AuditEvent[] = page.map((r) => ({
      ...r,
      actorName: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null,
      occurredAt: r.occurredAt.toISOString(),
      hash: r.hash.toString('hex'),
    }));
    const targets = await describeTargets(tx, input.practiceId, items);
    return { items, nextBefore: rows.length > f.limit ? page[page.length - 1]!.seq : null, targets };
  });
}
